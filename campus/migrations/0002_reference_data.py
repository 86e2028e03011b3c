"""Reference data: the 30 académies (with their academic region) and the disciplines."""

from django.db import migrations

ACADEMIES = [
    ("aix-marseille", "Aix-Marseille", "Provence-Alpes-Côte d'Azur"),
    ("amiens", "Amiens", "Hauts-de-France"),
    ("besancon", "Besançon", "Bourgogne-Franche-Comté"),
    ("bordeaux", "Bordeaux", "Nouvelle-Aquitaine"),
    ("clermont-ferrand", "Clermont-Ferrand", "Auvergne-Rhône-Alpes"),
    ("corse", "Corse", "Corse"),
    ("creteil", "Créteil", "Île-de-France"),
    ("dijon", "Dijon", "Bourgogne-Franche-Comté"),
    ("grenoble", "Grenoble", "Auvergne-Rhône-Alpes"),
    ("guadeloupe", "Guadeloupe", "Guadeloupe"),
    ("guyane", "Guyane", "Guyane"),
    ("la-reunion", "La Réunion", "La Réunion"),
    ("lille", "Lille", "Hauts-de-France"),
    ("limoges", "Limoges", "Nouvelle-Aquitaine"),
    ("lyon", "Lyon", "Auvergne-Rhône-Alpes"),
    ("martinique", "Martinique", "Martinique"),
    ("mayotte", "Mayotte", "Mayotte"),
    ("montpellier", "Montpellier", "Occitanie"),
    ("nancy-metz", "Nancy-Metz", "Grand Est"),
    ("nantes", "Nantes", "Pays de la Loire"),
    ("nice", "Nice", "Provence-Alpes-Côte d'Azur"),
    ("normandie", "Normandie", "Normandie"),
    ("orleans-tours", "Orléans-Tours", "Centre-Val de Loire"),
    ("paris", "Paris", "Île-de-France"),
    ("poitiers", "Poitiers", "Nouvelle-Aquitaine"),
    ("reims", "Reims", "Grand Est"),
    ("rennes", "Rennes", "Bretagne"),
    ("strasbourg", "Strasbourg", "Grand Est"),
    ("toulouse", "Toulouse", "Occitanie"),
    ("versailles", "Versailles", "Île-de-France"),
]

DISCIPLINES = [
    ("allemand", "Allemand"),
    ("anglais", "Anglais"),
    ("arts-plastiques", "Arts plastiques"),
    ("documentation", "Documentation"),
    ("education-musicale", "Éducation musicale"),
    ("eps", "Éducation physique et sportive"),
    ("espagnol", "Espagnol"),
    ("francais", "Français"),
    ("histoire-geographie", "Histoire-géographie"),
    ("lettres-classiques", "Lettres classiques"),
    ("mathematiques", "Mathématiques"),
    ("nsi", "Numérique et sciences informatiques"),
    ("philosophie", "Philosophie"),
    ("physique-chimie", "Physique-chimie"),
    ("polyvalent", "Polyvalent (1er degré)"),
    ("ses", "Sciences économiques et sociales"),
    ("svt", "Sciences de la vie et de la Terre"),
    ("technologie", "Technologie"),
]


def load(apps, schema_editor):
    Academy = apps.get_model("campus", "Academy")
    Discipline = apps.get_model("campus", "Discipline")
    for slug, name, region in ACADEMIES:
        Academy.objects.update_or_create(slug=slug, defaults={"name": name, "region": region})
    for slug, name in DISCIPLINES:
        Discipline.objects.update_or_create(slug=slug, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("campus", "Academy").objects.filter(
        slug__in=[slug for slug, _n, _r in ACADEMIES], users=None, establishments=None
    ).delete()
    apps.get_model("campus", "Discipline").objects.filter(
        slug__in=[slug for slug, _n in DISCIPLINES], users=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("campus", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
