"""HTTP: blueprints and error pages."""
