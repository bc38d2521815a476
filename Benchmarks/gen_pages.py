#!/usr/bin/env python3
"""Generates a deterministic synthetic site for build benchmarks, as a Guichet site and as
the same pages in a Hugo site.

    Benchmarks/gen_pages.py N --guichet DIR --hugo DIR [--seed 2026] [--config guichet.yaml]

Each of the N pages has ~1,000 words of French-looking filler, 3-4 headings (`##`/`###`,
no skipped level), a bullet list, a GitHub table with a header row, 3 links to other
generated pages and one image. The pages are spread over 20 folders (5 top-level folders
with 3 sub-folders each), every folder with its index page. The same seed gives
byte-identical files.

Guichet layout (see the editor formats): guichet.yaml (a copy of --config, or the example of
the spec), Content/ with index.md files, the three required pages, Content/images/photo.png;
links are relative .md paths. The Theme/ is not written here (build-vs-hugo.sh copies it).

Hugo layout: config.toml, content/ with the same folders (`_index.md` for folder pages),
layouts/_default/{baseof,single,list}.html giving a full page with header, menu, breadcrumb
and footer, static/images/photo.png; links are URLs (`/demarches/etat-civil/slug/`), since
Hugo does not rewrite .md links without a render hook.
"""

import argparse
import os
import random
import re
import struct
import zlib
from pathlib import Path

FOLDERS = {  # top-level folder -> sub-folders; "demarches" and "pratique" match the spec's menu
    "demarches": ["etat-civil", "urbanisme", "elections"],
    "pratique": ["dechets", "voirie", "stationnement"],
    "vie-locale": ["associations", "culture", "sport"],
    "mairie": ["conseil-municipal", "budget", "marches-publics"],
    "solidarites": ["enfance", "seniors", "logement"],
}

WORDS = """
mairie commune habitant démarche service public conseil municipal délibération maire adjoint
dossier demande pièce justificative formulaire rendez-vous accueil guichet horaire ouverture
fermeture lundi mardi mercredi jeudi vendredi samedi semaine mois année budget dépense
recette investissement travaux chantier voirie trottoir chaussée éclairage stationnement
parking école cantine périscolaire inscription enfant famille parent crèche assistante
maternelle collège jeunesse sport association culture bibliothèque médiathèque salle fête
marché producteur local environnement déchet collecte tri recyclage compost encombrant
déchetterie eau assainissement réseau urbanisme permis construire déclaration préalable
cadastre parcelle terrain logement social aide solidarité personne âgée handicap
accessibilité transport bus ligne navette vélo piste cyclable sécurité police municipale
prévention état civil naissance mariage décès pacs livret acte copie extrait carte
identité passeport élection liste électorale recensement citoyen bénévole quartier
rue place avenue chemin route pont rivière parc jardin forêt cimetière église patrimoine
histoire tourisme office animation festival concert exposition spectacle théâtre cinéma
le la les un une des du de au aux et ou mais donc pour par avec sans dans sur sous
entre vers chez selon depuis pendant avant après toujours souvent parfois également
ainsi notamment cependant néanmoins toutefois afin que qui dont où nouveau nouvelle
premier première dernier dernière grand grande petit petite public publique municipal
municipale gratuit gratuite obligatoire possible nécessaire disponible ouvert ouverte
prochain prochaine ancien ancienne important importante pratique utile simple rapide
doit peut permet propose accueille organise présente rappelle informe invite assure
""".split()

FOLDER_TITLES = {
    "demarches": "Démarches", "etat-civil": "État civil", "urbanisme": "Urbanisme",
    "elections": "Élections", "pratique": "Vie pratique", "dechets": "Déchets",
    "voirie": "Voirie", "stationnement": "Stationnement", "vie-locale": "Vie locale",
    "associations": "Associations", "culture": "Culture", "sport": "Sport", "mairie": "Mairie",
    "conseil-municipal": "Conseil municipal", "budget": "Budget",
    "marches-publics": "Marchés publics", "solidarites": "Solidarités", "enfance": "Enfance",
    "seniors": "Seniors", "logement": "Logement",
}

LIST_INTROS = ["Pièces à fournir :", "À savoir :", "Les étapes :", "Points importants :"]


def slugify(text):
    table = str.maketrans("àâäéèêëîïôöùûüçœ", "aaaeeeeiioouuuco")
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(table)).strip("-")


class Writer:
    """French-looking filler text from one seeded generator (same seed, same text)."""

    def __init__(self, rng):
        self.rng = rng

    def words(self, n):
        return [self.rng.choice(WORDS) for _ in range(n)]

    def title(self):
        w = self.words(self.rng.randint(3, 6))
        return " ".join(w).capitalize()

    def sentence(self, lo=8, hi=20):
        w = self.words(self.rng.randint(lo, hi))
        if len(w) > 6 and self.rng.random() < 0.4:  # a comma now and then
            w[self.rng.randint(2, len(w) - 3)] += ","
        return " ".join(w).capitalize() + "."

    def paragraph(self, lo=3, hi=6):
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))


def png(width=64, height=48):
    """A small real PNG (RGB, a blue-green gradient), made with the standard library."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(
        b"\x00" + b"".join(bytes((20 + x, 80 + y, 150)) for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def plan_pages(n, w):
    """Decides every page first (folder, slug, title) so that pages can link to any other."""
    folders = [f"{top}/{sub}" for top, subs in FOLDERS.items() for sub in subs]
    pages = []
    for i in range(n):
        folder = folders[i % len(folders)]
        title = w.title()
        pages.append({"folder": folder, "slug": f"{slugify(title)}-{i + 1:05d}", "title": title})
    return pages


def body(page, pages, w, link_for):
    """Markdown body of one page (~1,000 words); link_for(target) gives the link target."""
    rng = w.rng
    others = rng.sample([p for p in pages if p is not page], 3) if len(pages) > 3 else \
        [p for p in pages if p is not page]
    links = [f"[{o['title']}]({link_for(o)})" for o in others]
    while len(links) < 3:  # tiny sites (N <= 3): link the home page instead
        links.append(f"[Accueil]({link_for(None)})")

    out = [w.paragraph(4, 6), w.paragraph(4, 6)]
    # Headings: ## A, ### B, ## C and sometimes ### D (never a skipped level).
    out += [f"## {w.title()}", w.paragraph(), f"Voir aussi {links[0]}. {w.paragraph(2, 4)}"]
    out += [f"### {w.title()}", w.paragraph(),
            LIST_INTROS[rng.randrange(len(LIST_INTROS))],
            "\n".join(f"- {w.sentence(4, 10)}" for _ in range(rng.randint(4, 6))),
            w.paragraph()]
    out += [f"![{w.title()}](/images/photo.png)", w.paragraph(),
            f"## {w.title()}", w.paragraph(),
            "\n".join(["| Service | Jour | Horaires |", "|---|---|---|"] + [
                f"| {' '.join(w.words(2)).capitalize()} "
                f"| {rng.choice(['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi'])} "
                f"| {rng.randint(8, 10)} h – {rng.randint(12, 18)} h |" for _ in range(4)]),
            f"Pour en savoir plus, consultez {links[1]}. {w.paragraph(3, 5)}"]
    if rng.random() < 0.5:
        out += [f"### {w.title()}", w.paragraph(3, 5)]
    out += [w.paragraph(4, 6), w.paragraph(4, 6), w.paragraph(3, 5), f"Page liée : {links[2]}.", w.paragraph(3, 5)]
    return "\n\n".join(out) + "\n"


def front_matter(fields):
    lines = ["---"]
    for key, value in fields.items():
        # Dates stay plain (`updated: 2026-03-14`, as an editor writes them); text is quoted.
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"{key}: {value}")
    return "\n".join(lines + ["---", ""])


DEFAULT_GUICHET_YAML = """\
# Synthetic authority for benchmarks (fictional: 99xxx postcode, .example domain).
authority:
  name: "Ville de Brémonval"
  kind: commune
  address: { street: "1 place de la Mairie", postcode: "99150", city: "Brémonval" }
  phone: "01 99 00 10 00"
  email: "mairie@bremonval.example"
  siret: "21990150000013"  # passes the SIRET (Luhn) checksum
base_url: "https://www.bremonval.example"
accessibility:
  status: partiellement
dpo:
  name: "Délégué à la protection des données"
  email: "dpo@bremonval.example"
  address: "1 place de la Mairie, 99150 Brémonval"
navigation:
  - { label: "Accueil", url: "/" }
  - { label: "Démarches", url: "/demarches/" }
  - { label: "Vie pratique", url: "/pratique/" }
  - { label: "Contact", url: "/pratique/contact/" }
services:
  - id: etat-civil
    name: "Service état civil"
    email: "etat-civil@bremonval.example"
    phone: "01 99 00 10 10"
    address: "1 place de la Mairie, 99150 Brémonval"
    hours: "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h"
"""

REQUIRED = {
    "mentions-legales": "Mentions légales",
    "donnees-personnelles": "Données personnelles",
    "accessibilite": "Accessibilité",
}

HUGO_CONFIG = """\
baseURL = "https://www.bremonval.example/"
languageCode = "fr-FR"
defaultContentLanguage = "fr"
title = "Ville de Brémonval"
# Guichet writes HTML pages and a sitemap; no feeds or taxonomies there either.
disableKinds = ["taxonomy", "term", "RSS"]

[params]
address = "1 place de la Mairie, 99150 Brémonval"
phone = "01 99 00 10 00"

[markup.goldmark.renderer]
unsafe = false
"""

# A full page comparable to a Guichet page: skip link, header with the menu, breadcrumb,
# main, footer with the authority's address and the legally required links.
HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} — {{ end }}{{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header>
<p class="marque"><a href="/">{{ site.Title }}</a></p>
<nav aria-label="Menu principal"><ul>
{{ range site.Menus.main }}<li><a href="{{ .URL }}"{{ if eq .URL $.RelPermalink }} aria-current="page"{{ end }}>{{ .Name }}</a></li>
{{ end }}</ul></nav>
</header>
{{ if not .IsHome }}<nav aria-label="Fil d’Ariane"><ol>
{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}<li aria-current="page">{{ .Title }}</li>
</ol></nav>{{ end }}
<main id="contenu">
{{ block "main" . }}{{ end }}
</main>
<footer>
<p>{{ site.Title }}, {{ site.Params.address }}, tél. {{ site.Params.phone }}</p>
<ul>
<li><a href="/mentions-legales/">Mentions légales</a></li>
<li><a href="/donnees-personnelles/">Données personnelles</a></li>
<li><a href="/accessibilite/">Accessibilité : partiellement conforme</a></li>
<li><a href="/sitemap.xml">Plan du site</a></li>
</ul>
</footer>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ if not .Lastmod.IsZero }}<p class="maj">Mis à jour le {{ .Lastmod | time.Format ":date_long" }}</p>{{ end }}
{{ .Content }}
{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
{{ with .Sections }}<h2>Rubriques</h2>
<ul>{{ range .ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }} — {{ . }}{{ end }}</li>
{{ end }}</ul>{{ end }}
{{ with .RegularPages }}<h2>Pages</h2>
<ul>{{ range .ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }} — {{ . }}{{ end }}</li>
{{ end }}</ul>{{ end }}
{{ end }}
"""

HUGO_CSS = """\
body { font-family: system-ui, sans-serif; color: #1e1e1e; background: #fff; margin: 0 auto; max-width: 48rem; padding: 0 1rem; }
a { color: #0a4fa0; }
.evitement { position: absolute; left: -999px; }
.evitement:focus { left: 1rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #666; padding: .25rem .5rem; }
img { max-width: 100%; height: auto; }
"""


def nav_urls(config_text):
    # Enough YAML for `- { label: "…", url: "/…/" }` and `url: /…/` lines; no PyYAML needed.
    return re.findall(r"""\burl:\s*["']?(/[^"',}\s]*)""", config_text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of pages")
    ap.add_argument("--guichet", type=Path, required=True, help="folder for the Guichet site")
    ap.add_argument("--hugo", type=Path, required=True, help="folder for the Hugo site")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--config", type=Path, help="guichet.yaml to copy (default: the spec's example)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    w = Writer(rng)
    pages = plan_pages(args.n, w)
    image = png()

    g_content = args.guichet / "Content"
    h_content = args.hugo / "content"
    for d in (args.guichet, args.hugo):
        d.mkdir(parents=True, exist_ok=True)

    def write(path, text):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    # --- guichet.yaml and config.toml (menu = the authority's navigation) ---
    config = args.config.read_text(encoding="utf-8") if args.config else DEFAULT_GUICHET_YAML
    write(args.guichet / "guichet.yaml", config)
    labels = re.findall(r"""\blabel:\s*["']?([^"',}]*)""", config)
    menu = "".join(f'\n[[menu.main]]\nname = "{label.strip()}"\nurl = "{url}"\nweight = {i + 1}\n'
                   for i, (label, url) in enumerate(zip(labels, nav_urls(config))))
    write(args.hugo / "config.toml", HUGO_CONFIG + menu)
    for name, text in (("baseof", HUGO_BASEOF), ("single", HUGO_SINGLE), ("list", HUGO_LIST)):
        write(args.hugo / "layouts" / "_default" / f"{name}.html", text)
    write(args.hugo / "static" / "assets" / "site.css", HUGO_CSS)

    # --- the same page written twice: Guichet (relative .md links) and Hugo (URLs) ---
    def both(rel_dir, name, fields, text_for):
        """rel_dir: folder under Content/ ('' = root); name: file stem ('index' = folder page)."""
        g_file = g_content / rel_dir / f"{name}.md"
        write(g_file, front_matter(fields) + "\n" + text_for("guichet", g_file.parent))
        h_name = "_index" if name == "index" else name  # Hugo: _index.md is a section's page
        h_fields = {("lastmod" if k == "updated" else k): v for k, v in fields.items()}
        write(h_content / rel_dir / f"{h_name}.md", front_matter(h_fields) + "\n" + text_for("hugo", None))

    def static_text(text):
        return lambda layout, here: text

    both("", "index", {"title": "Accueil", "description": "Le site de la commune de Brémonval."},
         static_text(w.paragraph() + "\n"))
    for top, subs in FOLDERS.items():
        for folder in [top] + [f"{top}/{s}" for s in subs]:
            title = FOLDER_TITLES[folder.rsplit("/", 1)[-1]]
            both(folder, "index", {"title": title, "description": w.sentence(8, 14)},
                 static_text(w.paragraph(2, 4) + "\n"))
    for stem, title in REQUIRED.items():
        both("", stem, {"title": title, "description": w.sentence(8, 14)},
             static_text(f"## {w.title()}\n\n{w.paragraph()}\n\n## {w.title()}\n\n{w.paragraph()}\n"))

    word_count = []
    for page in pages:
        def link_for_guichet(target, here):
            if target is None:
                return os.path.relpath(g_content / "index.md", here)
            return os.path.relpath(g_content / target["folder"] / f"{target['slug']}.md", here)

        def link_for_hugo(target):
            return "/" if target is None else f"/{target['folder']}/{target['slug']}/"

        fields = {"title": page["title"], "description": w.sentence(8, 16),
                  "updated": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
        after_fields = rng.getstate()

        def text_for(layout, here, page=page, after_fields=after_fields):
            # Replay the same random draws for both layouts: same text, only the links differ.
            rng.setstate(after_fields)
            if layout == "guichet":
                text = body(page, pages, w, lambda t: link_for_guichet(t, here))
                word_count.append(len(text.split()))
                return text
            return body(page, pages, w, link_for_hugo)

        both(page["folder"], page["slug"], fields, text_for)

    # Menu entries must be pages of the site (guichet.yaml rule): add any that is missing,
    # e.g. /pratique/contact/ of the spec's example.
    for url in nav_urls(config):
        rel = url.strip("/")
        if rel == "" or (g_content / rel / "index.md").exists() or (g_content / f"{rel}.md").exists():
            continue
        folder, _, stem = rel.rpartition("/")
        title = stem.replace("-", " ").capitalize()
        both(folder, stem, {"title": title, "description": w.sentence(8, 14)},
             static_text(w.paragraph() + "\n"))

    for images in (g_content / "images", args.hugo / "static" / "images"):
        images.mkdir(parents=True, exist_ok=True)
        (images / "photo.png").write_bytes(image)

    mean = sum(word_count) // max(1, len(word_count))
    print(f"gen_pages: {args.n} pages of ~{mean} words (+ folder, required and menu pages) "
          f"in {args.guichet} and {args.hugo}")


if __name__ == "__main__":
    main()
