"""Load the official C2i2e referential (2011): 2 domains, 7 competences, 28 items.

The data is a copy of the Bulletin officiel text kept in campus/data/c2i2e-2011.json.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "c2i2e-2011.json"


def load(apps, schema_editor):
    Framework = apps.get_model("campus", "Framework")
    FrameworkDomain = apps.get_model("campus", "FrameworkDomain")
    Competence = apps.get_model("campus", "Competence")
    CompetenceItem = apps.get_model("campus", "CompetenceItem")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    framework, _created = Framework.objects.update_or_create(
        code=data["framework"].lower(),
        defaults={"name": data["name"], "version": data["version"], "source": data["source"]},
    )
    for d_pos, domain in enumerate(data["domains"]):
        domain_row, _c = FrameworkDomain.objects.update_or_create(
            framework=framework,
            code=domain["code"],
            defaults={"title": domain["title"], "position": d_pos},
        )
        for c_pos, competence in enumerate(domain["competences"]):
            competence_row, _c = Competence.objects.update_or_create(
                domain=domain_row,
                code=competence["code"],
                defaults={"title": competence["title"], "position": c_pos},
            )
            for i_pos, item in enumerate(competence["items"]):
                CompetenceItem.objects.update_or_create(
                    competence=competence_row,
                    code=item["code"],
                    defaults={"title": item["title"], "position": i_pos},
                )


def unload(apps, schema_editor):
    apps.get_model("campus", "Framework").objects.filter(code="c2i2e").delete()


class Migration(migrations.Migration):
    dependencies = [("campus", "0005_frameworks")]
    operations = [migrations.RunPython(load, unload)]
