"""The desk's pages, one module per page; each exposes `routes`."""
