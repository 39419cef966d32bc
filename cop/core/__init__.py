"""Site-wide infrastructure: health checks, security headers, cache, logging, demo seeding."""
