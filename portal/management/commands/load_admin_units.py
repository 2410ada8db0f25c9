from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.services.admin_units import admin_units_load


class Command(BaseCommand):
    help = "Create a province's UBND and one UBND per commune/ward (2025 reform). / Tạo UBND tỉnh và UBND cấp xã."

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, required=True, help="GSO province code, e.g. 82 (Đồng Tháp).")
        parser.add_argument("--limit", type=int, help="Only the first N communes (for small demos).")

    def handle(self, *args, **options):
        try:
            report = admin_units_load(province_code=options["province"], limit=options.get("limit"))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            _("%(province)s: %(created)s units created, %(existing)s already present.")
            % {"province": report.province.name, "created": report.created, "existing": report.existing}
        )
