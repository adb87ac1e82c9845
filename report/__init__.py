"""The static site of `baogao report`: charts, a page per document and search, read from the warehouse."""
