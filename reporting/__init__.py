"""HTML reports with inline SVG charts: they open offline, with no script or CDN."""
