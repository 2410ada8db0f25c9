"""Serializers of the API: they render rows and parse request bodies, nothing more.

Reads render units, their history and catalogues. Write serializers only turn the
request into the arguments of one service (``Decision``, ``SplitPart``, catalogue
entries, units); every rule (codes, nesting, periods, in-use checks) stays in
``portal.services`` so the admin, the API and the command line agree.
"""

from portal.api.serializers.catalogues import (
    CatalogueEntryListQuerySerializer,
    CatalogueEntryRetireSerializer,
    CatalogueEntrySerializer,
    CatalogueEntryWriteSerializer,
    CatalogueKindDetailSerializer,
    CatalogueKindSerializer,
    CatalogueKindWriteSerializer,
)
from portal.api.serializers.common import DecisionSerializer, UnitIdKeyedField, UnitTypeField
from portal.api.serializers.units import (
    QuotasSerializer,
    SplitPartSerializer,
    UnitCreateSerializer,
    UnitDetailSerializer,
    UnitDissolveSerializer,
    UnitEventSerializer,
    UnitListQuerySerializer,
    UnitMergeSerializer,
    UnitMoveSerializer,
    UnitRefSerializer,
    UnitSerializer,
    UnitSplitSerializer,
    UnitTreeQuerySerializer,
    UnitTreeSerializer,
    UnitTypeSerializer,
    UnitUpdateSerializer,
)

__all__ = [
    "CatalogueEntryListQuerySerializer",
    "CatalogueEntryRetireSerializer",
    "CatalogueEntrySerializer",
    "CatalogueEntryWriteSerializer",
    "CatalogueKindDetailSerializer",
    "CatalogueKindSerializer",
    "CatalogueKindWriteSerializer",
    "DecisionSerializer",
    "QuotasSerializer",
    "SplitPartSerializer",
    "UnitCreateSerializer",
    "UnitDetailSerializer",
    "UnitDissolveSerializer",
    "UnitEventSerializer",
    "UnitIdKeyedField",
    "UnitListQuerySerializer",
    "UnitMergeSerializer",
    "UnitMoveSerializer",
    "UnitRefSerializer",
    "UnitSerializer",
    "UnitSplitSerializer",
    "UnitTreeQuerySerializer",
    "UnitTreeSerializer",
    "UnitTypeField",
    "UnitTypeSerializer",
    "UnitUpdateSerializer",
]
