#!/usr/bin/env python3
"""Writes the custom-property contrast fixtures (css/*.html) from ../skeleton.html.

Each case puts a <style> in the head and a bandeau in the body; CSSCustomPropertyTests.swift
lists the finding expected from each page (none for *.pass.html). Run from this folder:
python3 make.py
"""
import pathlib

SKELETON = (pathlib.Path(__file__).parent.parent / "skeleton.html").read_text()


def page(css, body='<div class="bandeau"><p>Mairie de Trifouillis, le portail des démarches</p></div>'):
    text = SKELETON.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n<style>\n' + css.strip() + "\n</style>")
    return text.replace("<!-- BODY -->", body)


CASES = {
    # var() declared on :root, used by background and color.
    "var-root": (
        page(":root { --fond: #1b3a6b; --texte: #ffffff; }\n.bandeau { background: var(--fond); color: var(--texte); }"),
        page(":root { --fond: #8fa6c9; --texte: #ffffff; }\n.bandeau { background: var(--fond); color: var(--texte); }"),
    ),
    # var() inside the background shorthand, with other layers' keywords.
    "var-shorthand": (
        page(":root { --fond: #1b3a6b; }\n.bandeau { background: var(--fond) no-repeat center / cover; color: #fff; }"),
        page(":root { --fond: #8fa6c9; }\n.bandeau { background: var(--fond) no-repeat center / cover; color: #fff; }"),
    ),
    # A fallback is used when the custom property is not defined.
    "var-fallback": (
        page(".bandeau { background-color: var(--absente, #1b3a6b); color: var(--encre, white); }"),
        page(".bandeau { background-color: var(--absente, #8fa6c9); color: var(--encre, white); }"),
    ),
    # Declared on an element, inherited by its descendants, redefined in a subtree.
    "var-inherited": (
        page("html { --fond: #ffffff; --texte: #1e1e1e; }\n.sombre { --fond: #1b3a6b; --texte: #ffffff; }\n"
             "p { background: var(--fond); color: var(--texte); }",
             '<div class="sombre"><p>Texte clair sur fond sombre</p></div><p>Texte sombre sur fond clair</p>'),
        page("html { --fond: #ffffff; --texte: #1e1e1e; }\n.sombre { --fond: #1b3a6b; }\n"
             "p { background: var(--fond); color: var(--texte); }",
             '<div class="sombre"><p>Texte sombre sur fond sombre</p></div><p>Texte sombre sur fond clair</p>'),
    ),
    # A custom property defined from another one.
    "var-chain": (
        page(":root { --bleu-nuit: #1b3a6b; --fond: var(--bleu-nuit); }\n.bandeau { background: var(--fond); color: #fff; }"),
        page(":root { --gris-clair: #c8c8c8; --fond: var(--gris-clair); }\n.bandeau { background: var(--fond); color: #fff; }"),
    ),
    # Undefined: the contrast cannot be computed, and the finding says why (once).
    "var-undefined": (
        page(":root { --fond: #1b3a6b; }\n.bandeau { background: var(--fond); color: #fff; }"),
        page(":root { --brand: #1b3a6b; }\n.bandeau { background: var(--fond); color: #fff; }",
             '<div class="bandeau"><p>Mairie de Trifouillis</p><p>Le portail des démarches</p></div>'),
    ),
    # A cycle makes the custom properties invalid: cannot be computed either.
    "var-cycle": (
        page(":root { --a: #1b3a6b; --b: var(--a); }\n.bandeau { background: var(--b); color: #fff; }"),
        page(":root { --a: var(--b); --b: var(--a); }\n.bandeau { background: var(--b); color: #fff; }"),
    ),
    # The text colour comes from an undefined custom property.
    "var-undefined-color": (
        page(".bandeau { background: #1b3a6b; color: var(--texte, #fff); }"),
        page(".bandeau { background: #1b3a6b; color: var(--texte); }"),
    ),
}

for name, (passing, failing) in CASES.items():
    pathlib.Path(f"{name}.pass.html").write_text(passing)
    pathlib.Path(f"{name}.fail.html").write_text(failing)
