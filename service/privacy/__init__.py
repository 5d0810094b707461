"""Privacy requests: everything held about one person, and erasing it."""
