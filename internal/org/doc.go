// Package org describes monitored organisations (victims): their country,
// sector and the address ranges or sensors that belong to them, and maps an
// event to the organisation it concerns.
package org
