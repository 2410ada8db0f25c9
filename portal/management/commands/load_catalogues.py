from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.services.catalogue_data import catalogues_load_standard


class Command(BaseCommand):
    help = "Load or upgrade the standard catalogues (idempotent). / Nạp hoặc nâng cấp các danh mục chuẩn."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Directory of catalogue JSON files (default: the shipped ones).")

    def handle(self, *args, **options):
        from pathlib import Path

        try:
            report = catalogues_load_standard(directory=Path(options["dir"]) if options.get("dir") else None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Danh mục mới: {len(report.kinds_created)}; mục mới: {report.created}; cập nhật: {report.updated}; "
                f"không đổi: {report.unchanged}; ngừng dùng: {report.retired}; "
                f"giữ bản sửa tại chỗ: {len(report.kept_local)}"
            )
