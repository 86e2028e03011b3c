from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def seed_demo(self, stdout) -> None:
        """Load the demo communities, their resources and rooms (called by ``seed_demo``)."""
        from community.demo import seed_community

        report = seed_community()
        stdout.write(
            f"Communities: {len(report.communities)} community(ies), "
            f"{len(report.teachers)} teacher account(s), "
            f"{len(report.memberships)} membership(s), {len(report.resources)} resource(s) "
            f"with {report.reviews} review(s), {len(report.rooms)} room(s) and "
            f"{report.messages} message(s) created."
        )
        for name in report.communities:
            stdout.write(f"  community « {name} »")
