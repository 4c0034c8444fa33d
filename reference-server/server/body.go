package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// readBody reads a whole request body. A body over maxBodyBytes is
// echo.ErrStatusRequestEntityTooLarge, whichever way it arrived: the body
// limit middleware refuses a declared Content-Length itself, but a chunked
// body is only found too large while it is read, and then the reader's
// error must still become 413 rather than a 400 about an unreadable body.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		return body, nil
	}
	var he *echo.HTTPError
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) ||
		errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	return nil, fmt.Errorf("read request body: %w", err)
}

// isTooLarge reports whether err is the 413 of readBody.
func isTooLarge(err error) bool {
	return errors.Is(err, echo.ErrStatusRequestEntityTooLarge)
}
