package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushEvery is the longest a log line waits in the buffer.
const logFlushEvery = 100 * time.Millisecond

// logWriter buffers the log so that a busy server writes it in a few large
// writes instead of one system call per request; a line waits at most
// logFlushEvery. Close flushes what is left. A crash loses at most that
// much of the log.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// newLogWriter starts a logWriter over w; Close stops it.
func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{buf: bufio.NewWriterSize(w, 32<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go lw.flushLoop()
	return lw
}

// Write buffers p; it writes through when the buffer is full.
func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.buf.Write(p)
}

func (lw *logWriter) flushLoop() {
	defer close(lw.done)
	tick := time.NewTicker(logFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-lw.stop:
			return
		case <-tick.C:
			lw.flush()
		}
	}
}

func (lw *logWriter) flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.buf.Flush()
}

// Close stops the periodic flush and writes out the buffer.
func (lw *logWriter) Close() error {
	close(lw.stop)
	<-lw.done
	return lw.flush()
}
