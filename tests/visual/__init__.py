"""Visual regression: a fixed sample of products rendered to PNG and compared with committed references."""
