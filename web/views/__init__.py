"""Page views: each parses a form, calls one service or selector, and renders."""
