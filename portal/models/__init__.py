from portal.models.catalogues import CatalogueEntry, CatalogueKind
from portal.models.system import SystemHeartbeat
from portal.models.units import Unit, UnitEvent
from portal.models.users import User

__all__ = ["CatalogueEntry", "CatalogueKind", "SystemHeartbeat", "Unit", "UnitEvent", "User"]
