// The JS loader (in progress).
