"""Replace Wagtail's welcome page with Campus's home page as the default site's root."""

from django.db import migrations

HOME_INTRO = (
    "<p>Campus est la plateforme de formation continue des enseignants : des parcours "
    "à distance ou hybrides, le suivi de vos apprentissages, des communautés pour "
    "co-construire des ressources et la reconnaissance de ce que vous avez appris.</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("campus", "HomePage")

    # Wagtail's first migration creates a placeholder page at /home/ (depth 2).
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    content_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="campus")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Campus",
        draft_title="Campus",
        slug="accueil",
        content_type=content_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/accueil/",
        locale_id=root.locale_id,
        intro=HOME_INTRO,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Campus"},
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("campus", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campus", "0003_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
