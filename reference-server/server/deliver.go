package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// heldPool holds the response writers of deliver with their buffers, so
// that a request allocates neither.
var heldPool = sync.Pool{New: func() any { return &heldWriter{body: new(bytes.Buffer)} }}

// deliver makes the access log tell what the client really got. net/http
// buffers a small response and sends it only after the handler returns, so
// a write that fails (the write timeout passed, the client left) would go
// unnoticed and the log would claim the status the handler chose. deliver
// holds the response back, sends it with its Content-Length before the
// access log runs, and on a failed send logs status 0 and the write error
// instead. It must run inside accessLog and outside everything else.
func (s *Server) deliver(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		held := heldPool.Get().(*heldWriter)
		defer held.release()
		resp := c.Response()
		held.ResponseWriter = resp.Writer
		resp.Writer = held
		if err := next(c); err != nil {
			c.Error(err)
		}
		resp.Writer = held.ResponseWriter

		if err := held.send(c.Request().Method == http.MethodHead); err != nil {
			werr := fmt.Errorf("send response %d: %w", resp.Status, err)
			if prev, ok := c.Get(ctxKeyErr).(error); ok {
				werr = fmt.Errorf("%w; %w", prev, werr)
			}
			c.Set(ctxKeyErr, werr)
			resp.Status = 0
		}
		return nil
	}
}

// heldWriter keeps a response's status and body until send.
type heldWriter struct {
	http.ResponseWriter
	status int
	body   *bytes.Buffer
}

// release empties w and returns it to heldPool.
func (w *heldWriter) release() {
	w.ResponseWriter, w.status = nil, 0
	w.body.Reset()
	heldPool.Put(w)
}

func (w *heldWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *heldWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// send writes the held response and flushes it to the connection, so that
// a failure shows here rather than after the handler returned.
func (w *heldWriter) send(head bool) error {
	if w.status == 0 {
		return nil // nothing written: net/http sends an empty 200
	}
	h := w.Header()
	if !head && bodyAllowed(w.status) && h.Get(echo.HeaderContentLength) == "" {
		h.Set(echo.HeaderContentLength, strconv.Itoa(w.body.Len()))
	}
	w.ResponseWriter.WriteHeader(w.status)
	if w.body.Len() > 0 {
		if _, err := w.ResponseWriter.Write(w.body.Bytes()); err != nil {
			return fmt.Errorf("write body: %w", err)
		}
	}
	var err error
	if f, ok := w.ResponseWriter.(interface{ FlushError() error }); ok {
		err = f.FlushError() // net/http's own writer: no controller to allocate
	} else {
		err = http.NewResponseController(w.ResponseWriter).Flush()
	}
	if err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// bodyAllowed reports whether a response of status may carry a body (RFC
// 9110 §6.4.1).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
