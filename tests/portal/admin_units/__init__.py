"""Admin screens of the unit tree: access four ways, the explorer, and every tree operation
through its form (portal/views/units.py)."""
