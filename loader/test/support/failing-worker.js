// A worker script that dies while loading: the loader must report it, not hang.
throw new Error('this worker fails on purpose');
