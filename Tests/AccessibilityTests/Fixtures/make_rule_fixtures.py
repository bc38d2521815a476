#!/usr/bin/env python3
"""Writes rules/<case>.pass.html and rules/<case>.fail.html from skeleton.html.

Each case changes one thing in a conformant page; RuleFixtureTests.swift lists the finding
expected from each failing page. Run from this folder: python3 make_rule_fixtures.py
"""
import pathlib

SKELETON = pathlib.Path("skeleton.html").read_text()


def page(body="", *, doctype="<!DOCTYPE html>", html='<html lang="fr">',
         title="<title>Inscription à la cantine – Mairie de Trifouillis</title>", head="", main=True,
         skip='<a href="#contenu">Aller au contenu</a>'):
    text = SKELETON.replace("<!-- BODY -->", body)
    text = text.replace("<!DOCTYPE html>\n", doctype + "\n" if doctype else "")
    text = text.replace('<html lang="fr">', html)
    text = text.replace("<title>Inscription à la cantine – Mairie de Trifouillis</title>", title)
    text = text.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + head)
    text = text.replace('<a href="#contenu">Aller au contenu</a>', skip)
    if not main:
        text = text.replace('<main id="contenu">', '<div id="contenu">').replace("</main>", "</div>")
    return text


CASES = {
    # 1. Images
    "1.1.1-img-alt": (page('<img src="plan.png" alt="Plan d’accès à la mairie">'),
                      page('<img src="plan.png">')),
    "1.1.1-alt-spaces": (page('<img src="filet.png" alt="">'), page('<img src="plan.png" alt=" ">')),
    "1.1.2-area-alt": (page('<img src="carte.png" alt="Carte" usemap="#c"><map name="c"><area href="/nord" alt="Quartier nord" coords="0,0,9,9"></map>'),
                       page('<img src="carte.png" alt="Carte" usemap="#c"><map name="c"><area href="/nord" coords="0,0,9,9"></map>')),
    "1.1.3-input-image": (page('<form action="/r"><input type="image" src="ok.png" alt="Rechercher"></form>'),
                          page('<form action="/r"><input type="image" src="ok.png"></form>')),
    "1.1.5-svg": (page('<svg role="img" aria-label="Logo de la commune"><circle r="4"></circle></svg>'),
                  page('<svg role="img"><circle r="4"></circle></svg>')),
    "1.2.1-decorative": (page('<img src="filet.png" alt="">'), page('<img src="filet.png" alt="" title="Filet décoratif">')),
    # 2. Cadres
    "2.1.1-frame-title": (page('<iframe src="carte.html" title="Carte de la commune"></iframe>'),
                          page('<iframe src="carte.html"></iframe>')),
    "2.2.1-frame-title-empty": (page('<iframe src="carte.html" title="Carte de la commune"></iframe>'),
                                page('<iframe src="carte.html" title=" "></iframe>')),
    # 3. Couleurs
    "3.2.1-contrast": (page('<p style="color: #595959">Horaires d’ouverture</p>'),
                       page('<p style="color: #999999">Horaires d’ouverture</p>')),
    "3.2.1-contrast-style": (page('<style>.note { color: #fff; background-color: #1e3a8a }</style><p class="note">Fermé le lundi</p>'),
                             page('<style>.note { color: #fff; background-color: #f59e0b }</style><p class="note">Fermé le lundi</p>')),
    # 5. Tableaux
    "5.7.2-scope": (page('<table><caption>Tarifs</caption><tr><th scope="col">Repas</th><th scope="col">Prix</th></tr><tr><td>Midi</td><td>3 €</td></tr></table>'),
                    page('<table><caption>Tarifs</caption><tr><th scope="column">Repas</th><th scope="col">Prix</th></tr><tr><td>Midi</td><td>3 €</td></tr></table>')),
    "5.7.4-headers": (page('<table><caption>Tarifs</caption><tr><th id="r">Repas</th><th id="p">Prix</th></tr><tr><td headers="r">Midi</td><td headers="p">3 €</td></tr></table>'),
                      page('<table><caption>Tarifs</caption><tr><th id="r">Repas</th><th id="p">Prix</th></tr><tr><td headers="r">Midi</td><td headers="prix">3 €</td></tr></table>')),
    "5.4.1-fake-caption": (page('<table><caption>Tarifs</caption><tr><th scope="col">Repas</th><th scope="col">Prix</th></tr><tr><td>Midi</td><td>3 €</td></tr></table>'),
                           page('<table><tr><td colspan="2">Tarifs</td></tr><tr><th scope="col">Repas</th><th scope="col">Prix</th></tr><tr><td>Midi</td><td>3 €</td></tr></table>')),
    "5.8.1-layout-table": (page('<table role="presentation"><tr><td>Colonne A</td><td>Colonne B</td></tr></table>'),
                           page('<table role="presentation"><tr><th>Colonne A</th><td>Colonne B</td></tr></table>')),
    # 6. Liens
    "6.2.1-link-name": (page('<p><a href="/plan"><img src="plan.png" alt="Plan du site"></a></p>'),
                        page('<p><a href="/plan"><img src="plan.png" alt=""></a></p>')),
    "6.1.1-generic-link": (page('<p><a href="/cantine/tarifs">Tarifs de la cantine</a></p>'),
                           page('<p>Tarifs : <a href="/cantine/tarifs">cliquez ici</a>.</p>')),
    # 7. Scripts
    "7.1.1-role": (page('<div role="note">Le service sera fermé le 14 juillet.</div>'),
                   page('<div role="remarque">Le service sera fermé le 14 juillet.</div>')),
    # 8. Éléments obligatoires
    "8.1.1-doctype": (page(), page(doctype="")),
    "8.1.2-doctype-valid": (page(), page(doctype="<!DOCTYPE htm>")),
    "8.2.1-duplicate-id": (page('<p id="info">Un</p><p id="autre">Deux</p>'), page('<p id="info">Un</p><p id="info">Deux</p>')),
    "8.3.1-lang": (page(), page(html="<html>")),
    "8.4.1-lang-valid": (page(html='<html lang="fr-FR">'), page(html='<html lang="francais">')),
    "8.5.1-title": (page(), page(title="")),
    "8.6.1-title-generic": (page(), page(title="<title>Accueil</title>")),
    "8.8.1-lang-change": (page('<p lang="en">Welcome to Trifouillis</p>'), page('<p lang="anglais">Welcome to Trifouillis</p>')),
    # 9. Structuration
    "9.1.1-heading-skip": (page('<h2>Tarifs</h2><h3>Repas du midi</h3>'), page('<h2>Tarifs</h2><h4>Repas du midi</h4>')),
    "9.1.2-empty-heading": (page('<h2>Tarifs</h2>'), page('<h2> </h2>')),
    "9.2.1-main": (page(), page(main=False, skip='<a href="#contenu">Aller au contenu</a>')),
    "9.3.1-list-item": (page('<ul><li>Midi</li><li>Soir</li></ul>'), page('<div><li>Midi</li><li>Soir</li></div>')),
    "9.3.3-description-list": (page('<dl><dt>Tarif</dt><dd>3 €</dd></dl>'), page('<div><dt>Tarif</dt><dd>3 €</dd></div>')),
    # 10. Présentation
    "10.1.1-presentational-tag": (page('<p><strong>Important</strong></p>'), page('<p><font color="red">Important</font></p>')),
    "10.1.2-presentational-attribute": (page('<p class="centre">Texte</p>'), page('<p align="center">Texte</p>')),
    # 11. Formulaires
    "11.1.1-label": (page('<form action="/r"><label for="nom">Nom</label><input id="nom" type="text" autocomplete="family-name"></form>'),
                     page('<form action="/r"><input id="nom" type="text" placeholder="Nom"></form>')),
    "11.1.1-no-label": (page('<form action="/r"><label>Commune <input type="text"></label></form>'),
                        page('<form action="/r"><p>Commune</p><input type="text"></form>')),
    "11.9.1-button": (page('<form action="/r"><button type="submit">Envoyer la demande</button></form>'),
                      page('<form action="/r"><button type="submit"><img src="envoi.png" alt=""></button></form>')),
    "11.10.2-required": (page('<form action="/r"><label for="c">Courriel (obligatoire)</label><input id="c" type="email" required autocomplete="email"></form>'),
                         page('<form action="/r"><label for="c">Courriel</label><input id="c" type="email" required autocomplete="email"></form>')),
    "11.13.1-autocomplete": (page('<form action="/r"><label for="c">Courriel</label><input id="c" type="email" autocomplete="home email"></form>'),
                             page('<form action="/r"><label for="c">Courriel</label><input id="c" type="email" autocomplete="e-mail"></form>')),
    "11.6.1-fieldset-legend": (page('<form action="/r"><fieldset><legend>Adresse</legend><label for="v">Ville</label><input id="v" autocomplete="address-level2"></fieldset></form>'),
                               page('<form action="/r"><fieldset><label for="v">Ville</label><input id="v" autocomplete="address-level2"></fieldset></form>')),
    "11.5.1-radio-group": (page('<form action="/r"><fieldset><legend>Repas</legend><input type="radio" name="r" id="r1"><label for="r1">Midi</label><input type="radio" name="r" id="r2"><label for="r2">Soir</label></fieldset></form>'),
                           page('<form action="/r"><p>Repas</p><input type="radio" name="r" id="r1"><label for="r1">Midi</label><input type="radio" name="r" id="r2"><label for="r2">Soir</label></form>')),
    # 10.8 Contenus cachés
    "10.8.1-aria-hidden-focus": (page('<div aria-hidden="true"><a href="/x" tabindex="-1">Lien masqué</a></div>'),
                                 page('<div aria-hidden="true"><a href="/x">Lien masqué</a></div>')),
    "10.8.1-aria-hidden-body": (page(), page().replace("<body>", '<body aria-hidden="true">')),
    # 8.10 Sens de lecture
    "8.10.2-dir": (page('<p lang="ar" dir="rtl">مرحبا بكم</p>'), page('<p lang="ar" dir="droite">مرحبا بكم</p>')),
    # 12. Navigation
    "12.8.1-tabindex": (page('<p><a href="/tarifs">Tarifs de la cantine</a></p>'), page('<p><a href="/tarifs" tabindex="3">Tarifs de la cantine</a></p>')),
    "12.7.1-skip-link": (page(), page(skip='<a href="#principal">Aller au contenu</a>')),
    # 13. Consultation
    "13.1.1-meta-refresh": (page(head='<meta http-equiv="refresh" content="0; url=/nouvelle-adresse">'),
                            page(head='<meta http-equiv="refresh" content="300">')),
    "13.1.2-meta-redirect": (page(head='<meta http-equiv="refresh" content="0; url=/nouvelle-adresse">'),
                             page(head='<meta http-equiv="refresh" content="5; url=/nouvelle-adresse">')),
    "13.2.1-new-window": (page('<p><a href="/reglement.html" target="_blank">Règlement de la cantine (nouvelle fenêtre)</a></p>'),
                          page('<p><a href="/reglement.html" target="_blank">Règlement de la cantine</a></p>')),
    "13.3.1-office-document": (page('<p><a href="/reglement.html">Règlement de la cantine</a></p>'),
                               page('<p><a href="/reglement.pdf">Règlement de la cantine (PDF, 120 Ko)</a></p>')),
    "13.8.1-marquee": (page('<p>Inscriptions ouvertes</p>'), page('<marquee>Inscriptions ouvertes</marquee>')),
}

out = pathlib.Path("rules")
out.mkdir(exist_ok=True)
for name, (passing, failing) in CASES.items():
    (out / f"{name}.pass.html").write_text(passing)
    (out / f"{name}.fail.html").write_text(failing)
print(len(CASES), "cases")
