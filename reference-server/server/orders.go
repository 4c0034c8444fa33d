package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Limits of the example orders resource.
const (
	maxOrdersPerOwner = 1000
	maxItemLength     = 200
	maxQuantity       = 1_000_000
)

// order is one order of the example resource.
type order struct {
	ID       string `json:"id"`
	Item     string `json:"item"`
	Quantity int64  `json:"quantity"`
	Owner    string `json:"owner"`
}

// orderBook keeps orders in memory, per owner: nobody sees another
// owner's orders, not even that they exist.
type orderBook struct {
	mu     sync.Mutex
	nextID int
	orders map[string][]order // owner → orders in creation order
}

func (b *orderBook) create(owner, item string, quantity int64) (order, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.orders[owner]) >= maxOrdersPerOwner {
		return order{}, fmt.Errorf("at most %d orders per owner", maxOrdersPerOwner)
	}
	b.nextID++
	o := order{ID: strconv.Itoa(b.nextID), Item: item, Quantity: quantity, Owner: owner}
	b.orders[owner] = append(b.orders[owner], o)
	return o, nil
}

func (b *orderBook) list(owner string) []order {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]order{}, b.orders[owner]...)
}

func (b *orderBook) get(owner, id string) (order, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, o := range b.orders[owner] {
		if o.ID == id {
			return o, true
		}
	}
	return order{}, false
}

func (b *orderBook) remove(owner, id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, o := range b.orders[owner] {
		if o.ID == id {
			b.orders[owner] = append(b.orders[owner][:i], b.orders[owner][i+1:]...)
			return true
		}
	}
	return false
}

// orderNotFound is the answer for an order that does not exist or is
// someone else's.
func orderNotFound() error {
	return resourceError(http.StatusNotFound, codeNotFound, "no such order")
}

// isJSONType reports whether a Content-Type is JSON.
func isJSONType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == echo.MIMEApplicationJSON
}

// handleListOrders is GET /orders: the caller's orders.
func (s *Server) handleListOrders(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string][]order{"orders": s.orders.list(claimsOf(c).Subject)})
}

// handleCreateOrder is POST /orders with {"item": string, "quantity": int}:
// 201 with the order and its Location.
func (s *Server) handleCreateOrder(c echo.Context) error {
	item, quantity, err := decodeOrder(c.Request())
	if isTooLarge(err) {
		return err
	}
	if err != nil {
		return resourceError(http.StatusBadRequest, codeInvalidRequest, err.Error())
	}
	o, err := s.orders.create(claimsOf(c).Subject, item, quantity)
	if err != nil {
		return resourceError(http.StatusBadRequest, codeInvalidRequest, err.Error())
	}
	c.Response().Header().Set(echo.HeaderLocation, PathOrders+"/"+o.ID)
	return c.JSON(http.StatusCreated, o)
}

// decodeOrder reads and validates a new order. Its error messages are
// constant or name a field, never echo the input.
func decodeOrder(r *http.Request) (string, int64, error) {
	if !isJSONType(r.Header.Get(echo.HeaderContentType)) {
		return "", 0, errors.New("the body must be application/json")
	}
	body, err := readBody(r)
	if isTooLarge(err) {
		return "", 0, err
	}
	if err != nil {
		return "", 0, errors.New("the body could not be read")
	}
	var in struct {
		Item     *string         `json:"item"`
		Quantity json.RawMessage `json:"quantity"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil || dec.More() {
		return "", 0, errors.New("the body must be one JSON object with item and quantity")
	}
	switch {
	case in.Item == nil || *in.Item == "":
		return "", 0, errors.New("item must be a non-empty string")
	case !utf8.ValidString(*in.Item) || len(*in.Item) > maxItemLength:
		return "", 0, fmt.Errorf("item must be valid UTF-8 of at most %d bytes", maxItemLength)
	case in.Quantity == nil:
		return "", 0, errors.New("quantity must be an integer greater than 0")
	}
	// A JSON integer only: strings, fractions and exponents all fail here.
	q, err := strconv.ParseInt(string(in.Quantity), 10, 64)
	if err != nil || q <= 0 || q > maxQuantity {
		return "", 0, fmt.Errorf("quantity must be an integer from 1 to %d", maxQuantity)
	}
	return *in.Item, q, nil
}

// handleGetOrder is GET /orders/{id}.
func (s *Server) handleGetOrder(c echo.Context) error {
	o, ok := s.orders.get(claimsOf(c).Subject, c.Param("id"))
	if !ok {
		return orderNotFound()
	}
	return c.JSON(http.StatusOK, o)
}

// handleDeleteOrder is DELETE /orders/{id}: 204, or 404 when there is no
// such order of the caller.
func (s *Server) handleDeleteOrder(c echo.Context) error {
	if !s.orders.remove(claimsOf(c).Subject, c.Param("id")) {
		return orderNotFound()
	}
	return c.NoContent(http.StatusNoContent)
}
