# Written for the resources part: who confirmed the rights and when, a remix's attribution,
# and the indexes that keep the resource list and search fast at 50,000 resources.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# PostgreSQL-only indexes, in SQL (SQLite has neither GIN nor expression indexes of this kind):
# - Wagtail's PostgreSQL search backend matches ``title || body`` of its index entries, but
#   ships GIN indexes on each column alone: without this one, every search reads the whole
#   index table (see docs/performance.md, Community). It speeds other apps' searches alike.
# - The level and cycle facets are JSON containments (``levels @> '["cm1"]'``).
POSTGRES_INDEXES = {
    "community_search_title_body_gin": ("wagtailsearch", "IndexEntry", "(title || body)"),
    "community_res_levels_gin": ("community", "Resource", "levels jsonb_path_ops"),
}


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (app_label, model, expression) in POSTGRES_INDEXES.items():
        table = apps.get_model(app_label, model)._meta.db_table
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0002_review_moderation"),
        ("wagtailsearch", "0010_add_text_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="attribution",
            field=models.JSONField(blank=True, default=dict, verbose_name="attribution"),
        ),
        migrations.AddField(
            model_name="resource",
            name="rights_confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="rights confirmed on"),
        ),
        migrations.AddField(
            model_name="resource",
            name="rights_confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="rights confirmed by",
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(fields=["-updated", "-id"], name="community_res_updated_idx"),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                fields=["state", "hidden_at", "community", "id"], name="community_res_visible_idx"
            ),
        ),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes, elidable=False),
    ]
