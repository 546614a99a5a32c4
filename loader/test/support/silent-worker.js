// A worker script that never answers: the loader's READY timeout must fire.
setInterval(() => {}, 1000);
