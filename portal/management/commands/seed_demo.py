from django.core.management.base import BaseCommand

from portal.demo import SeedContext, demo_seed
from portal.models import Unit


class Command(BaseCommand):
    help = "Build the deterministic demo province. / Tạo dữ liệu tỉnh mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, default=82, help="GSO province code (default 82, Đồng Tháp).")
        parser.add_argument(
            "--people", type=int, default=2000, help="Number of dossiers (default 2,000; 100000 for benchmarks)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--communes", type=int, help="Only the first N communes (a small province for tests).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when units already exist.")

    def handle(self, *args, **options):
        if options["if_empty"] and Unit.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu.")
            return
        context = SeedContext(
            province_code=options["province"],
            seed=options["seed"],
            people=options["people"],
            communes=options.get("communes"),
            log=self.stdout.write,
        )
        demo_seed(context)
        self.stdout.write(f"Đơn vị đang hoạt động: {Unit.objects.filter(dissolved_on__isnull=True).count()}")
        for login in context.logins:
            self.stdout.write(f"Đăng nhập mẫu — {login['role']}: {login['username']} / {login['password']}")
