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
    "3.2.1-contrast": (page('<p style="color: #595959; background-color: #ffffff">Horaires d’ouverture</p>'),
                       page('<p style="color: #999999; background-color: #ffffff">Horaires d’ouverture</p>')),
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
    # Second batch (RuleFixtureTests2.swift)
    "1.3.1-alt-file-name": (page('<img src="plan-acces.png" alt="Plan d’accès à la mairie">'),
                            page('<img src="plan-acces.png" alt="plan-acces.png">')),
    "1.3.1-alt-placeholder": (page('<img src="ecole.jpg" alt="Façade de l’école Jules-Ferry">'),
                              page('<img src="ecole.jpg" alt="Photo">')),
    "1.3.9-alt-long": (page('<img src="ecole.jpg" alt="Façade de l’école Jules-Ferry">'),
                       page('<img src="ecole.jpg" alt="Façade de l’école Jules-Ferry, vue depuis la place de la mairie, avec le préau, la cour et les platanes">')),
    "1.6.1-longdesc": (page('<img src="budget.png" alt="Budget 2024 (description détaillée ci-dessous)" longdesc="#budget-detail"><p id="budget-detail">Fonctionnement : 2 millions d’euros.</p>'),
                       page('<img src="budget.png" alt="Budget 2024 (description détaillée ci-dessous)" longdesc="#detail"><p id="budget-detail">Fonctionnement : 2 millions d’euros.</p>')),
    "1.6.9-describedby": (page('<img src="budget.png" alt="Budget 2024" aria-describedby="budget-detail"><p id="budget-detail">Fonctionnement : 2 millions d’euros.</p>'),
                          page('<img src="budget.png" alt="Budget 2024" aria-describedby="detail"><p id="budget-detail">Fonctionnement : 2 millions d’euros.</p>')),
    "1.9.1-figure-role": (page('<figure role="figure" aria-label="La mairie en 1910"><img src="mairie.jpg" alt="Carte postale de la mairie"><figcaption>La mairie en 1910</figcaption></figure>'),
                          page('<figure><img src="mairie.jpg" alt="Carte postale de la mairie"><figcaption>La mairie en 1910</figcaption></figure>')),
    "1.9.1-figure-label": (page('<figure role="group" aria-label="La mairie en 1910"><img src="mairie.jpg" alt="Carte postale de la mairie"><figcaption>La mairie en 1910</figcaption></figure>'),
                           page('<figure role="group" aria-label="Mairie"><img src="mairie.jpg" alt="Carte postale de la mairie"><figcaption>La mairie en 1910</figcaption></figure>')),
    "2.2.1-frame-title-shared": (page('<iframe src="carte.html" title="Carte de la commune"></iframe><iframe src="agenda.html" title="Agenda de la commune"></iframe>'),
                                 page('<iframe src="carte.html" title="Contenu externe"></iframe><iframe src="agenda.html" title="Contenu externe"></iframe>')),
    "4.3.1-video-captions": (page('<video src="voeux.mp4" controls><track kind="captions" src="voeux.vtt" srclang="fr" label="Français"></video>'),
                             page('<video src="voeux.mp4" controls></video>')),
    "4.3.2-track-kind": (page('<video src="voeux.mp4" controls><track kind="captions" src="voeux.vtt" srclang="fr" label="Français"></video>'),
                         page('<video src="voeux.mp4" controls><track kind="subtitles" src="voeux.vtt" srclang="fr" label="Français"></video>')),
    "4.10.1-autoplay": (page('<video src="voeux.mp4" controls autoplay muted><track kind="captions" src="voeux.vtt" srclang="fr" label="Français"></video>'),
                        page('<video src="voeux.mp4" controls autoplay><track kind="captions" src="voeux.vtt" srclang="fr" label="Français"></video>')),
    "4.11.1-controls": (page('<audio src="conseil.mp3" controls></audio>'), page('<audio src="conseil.mp3"></audio>')),
    "5.6.1-empty-th": (page('<table><caption>Tarifs</caption><tr><td></td><th scope="col">Prix</th></tr><tr><th scope="row">Midi</th><td>3 €</td></tr></table>'),
                       page('<table><caption>Tarifs</caption><tr><th></th><th scope="col">Prix</th></tr><tr><th scope="row">Midi</th><td>3 €</td></tr></table>')),
    "5.6.1-no-headers": (page('<table><caption>Tarifs</caption><tr><th scope="col">Repas</th><th scope="col">Prix</th></tr><tr><td>Midi</td><td>3 €</td></tr></table>'),
                         page('<table><caption>Tarifs</caption><tr><td>Repas</td><td>Prix</td></tr><tr><td>Midi</td><td>3 €</td></tr></table>')),
    "6.1.5-label-in-name": (page('<p><a href="/cantine/tarifs" aria-label="Tarifs de la cantine scolaire">Tarifs de la cantine</a></p>'),
                            page('<p><a href="/cantine/tarifs" aria-label="Prix des repas">Tarifs de la cantine</a></p>')),
    "11.9.2-label-in-name": (page('<form action="/r"><button type="submit" aria-label="Envoyer la demande d’inscription">Envoyer la demande</button></form>'),
                             page('<form action="/r"><button type="submit" aria-label="Valider">Envoyer la demande</button></form>')),
    "11.2.5-label-in-name": (page('<form action="/r"><label for="v">Ville</label><input id="v" type="text" autocomplete="address-level2" aria-label="Ville de résidence"></form>'),
                             page('<form action="/r"><label for="v">Ville</label><input id="v" type="text" autocomplete="address-level2" aria-label="Commune"></form>')),
    "7.3.1-onclick": (page('<p><button type="button" onclick="ouvrir()">Voir les horaires</button></p>'),
                      page('<div onclick="ouvrir()">Voir les horaires</div>')),
    "8.9.1-empty-paragraph": (page('<p>Inscriptions ouvertes</p><p>Dossier à rendre avant le 30 juin</p>'),
                              page('<p>Inscriptions ouvertes</p><p> </p><p>Dossier à rendre avant le 30 juin</p>')),
    "8.9.1-line-breaks": (page('<p>Mairie de Trifouillis<br>1 place de la mairie</p>'),
                          page('<p>Inscriptions ouvertes<br><br><br>Dossier à rendre avant le 30 juin</p>')),
    "10.4.2-viewport": (page(head='<meta name="viewport" content="width=device-width, initial-scale=1">'),
                        page(head='<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">')),
    "10.12.1-line-height": (page('<p style="line-height: 1.5 !important">Inscriptions ouvertes</p>'),
                            page('<p style="line-height: 1.2 !important">Inscriptions ouvertes</p>')),
    "10.12.1-letter-spacing": (page('<p style="letter-spacing: 0.05em">Inscriptions ouvertes</p>'),
                               page('<p style="letter-spacing: 0.05em !important">Inscriptions ouvertes</p>')),
    "11.8.2-optgroup": (page('<form action="/r"><label for="e">École</label><select id="e"><optgroup label="Maternelles"><option>Les Tilleuls</option></optgroup><optgroup label="Élémentaires"><option>Jules-Ferry</option></optgroup></select></form>'),
                        page('<form action="/r"><label for="e">École</label><select id="e"><optgroup><option>Les Tilleuls</option></optgroup><optgroup label="Élémentaires"><option>Jules-Ferry</option></optgroup></select></form>')),
    "11.8.1-long-select": (page('<form action="/r"><label for="q">Quartier</label><select id="q">' + ''.join(f'<option>Quartier {n}</option>' for n in range(1, 21)) + '</select></form>'),
                           page('<form action="/r"><label for="q">Quartier</label><select id="q">' + ''.join(f'<option>Quartier {n}</option>' for n in range(1, 26)) + '</select></form>')),
    # Third batch (RuleFixtureTests3.swift)
    "4.13.1-object-player": (page('<video src="voeux.mp4" controls><track kind="captions" src="voeux.vtt" srclang="fr" label="Français"></video>'),
                             page('<object data="voeux.swf" type="application/x-shockwave-flash" width="400" height="300"><p>Vœux du maire</p></object>')),
    "5.1.1-complex-table": (page('<p id="resume">Pour chaque service, l’ouverture du matin puis celle de l’après-midi.</p><table aria-describedby="resume"><caption>Horaires</caption>'
                                 '<tr><th rowspan="2" scope="col">Service</th><th colspan="2" scope="colgroup">Ouverture</th></tr>'
                                 '<tr><th scope="col">Matin</th><th scope="col">Après-midi</th></tr>'
                                 '<tr><th scope="row">Accueil</th><td>9 h</td><td>14 h</td></tr></table>'),
                            page('<table><caption>Horaires</caption>'
                                 '<tr><th rowspan="2" scope="col">Service</th><th colspan="2" scope="colgroup">Ouverture</th></tr>'
                                 '<tr><th scope="col">Matin</th><th scope="col">Après-midi</th></tr>'
                                 '<tr><th scope="row">Accueil</th><td>9 h</td><td>14 h</td></tr></table>')),
    "5.3.1-layout-table": (page('<div class="colonnes"><p>Inscriptions ouvertes</p><p>Dossier à rendre avant le 30 juin</p></div>'),
                           page('<table role="presentation"><tr><td>Inscriptions ouvertes</td><td>Dossier à rendre avant le 30 juin</td></tr></table>')),
    "7.4.1-onchange": (page('<form action="/ecoles"><label for="e">École</label><select id="e"><option>Les Tilleuls</option><option>Jules-Ferry</option></select><button type="submit">Afficher</button></form>'),
                       page('<form action="/ecoles"><label for="e">École</label><select id="e" onchange="this.form.submit()"><option>Les Tilleuls</option><option>Jules-Ferry</option></select></form>')),
    "9.4.1-inline-quote": (page('<p>Le maire a déclaré : <q>Nous ouvrirons la nouvelle cantine à la rentrée de septembre.</q></p>'),
                           page('<p>Le maire a déclaré : « Nous ouvrirons la nouvelle cantine à la rentrée de septembre. »</p>')),
    "9.4.2-block-quote": (page('<blockquote><p>« Nous ouvrirons la nouvelle cantine à la rentrée de septembre, avec des repas préparés sur place. »</p></blockquote>'),
                          page('<p>« Nous ouvrirons la nouvelle cantine à la rentrée de septembre, avec des repas préparés sur place. »</p>')),
    "10.7.1-outline-focus": (page('<p><a href="/tarifs">Tarifs de la cantine</a></p>', head='<style>a:focus { outline: none; box-shadow: 0 0 0 3px #1e3a8a }</style>'),
                             page('<p><a href="/tarifs">Tarifs de la cantine</a></p>', head='<style>a:focus { outline: none }</style>')),
    "10.7.1-outline-none": (page('<p><a href="/tarifs">Tarifs de la cantine</a></p>', head='<style>a { outline: 0 } a:focus-visible { outline: 3px solid #1e3a8a }</style>'),
                            page('<p><a href="/tarifs">Tarifs de la cantine</a></p>', head='<style>a { outline: 0 }</style>')),
    "10.11.1-fixed-width": (page('<div class="encadre"><p>Inscriptions ouvertes</p></div>', head='<style>.encadre { max-width: 600px }</style>'),
                            page('<div class="encadre"><p>Inscriptions ouvertes</p></div>', head='<style>.encadre { width: 600px }</style>')),
    "10.14.1-hover-only": (page('<p class="aide"><button type="button">Aide</button><span class="bulle">Le dossier est à rendre avant le 30 juin.</span></p>',
                                head='<style>.bulle { display: none } .aide:hover .bulle, .aide:focus-within .bulle { display: block }</style>'),
                           page('<p class="aide"><button type="button">Aide</button><span class="bulle">Le dossier est à rendre avant le 30 juin.</span></p>',
                                head='<style>.bulle { display: none } .aide:hover .bulle { display: block }</style>')),
    "11.3.1-same-function": (page('<form action="/r"><fieldset><legend>Premier parent</legend><label for="t1">Téléphone</label><input id="t1" type="tel" autocomplete="tel"></fieldset>'
                                  '<fieldset><legend>Second parent</legend><label for="t2">Téléphone</label><input id="t2" type="tel" autocomplete="tel"></fieldset></form>'),
                             page('<form action="/r"><fieldset><legend>Premier parent</legend><label for="t1">Téléphone</label><input id="t1" type="tel" autocomplete="tel"></fieldset>'
                                  '<fieldset><legend>Second parent</legend><label for="t2">Numéro de portable</label><input id="t2" type="tel" autocomplete="tel"></fieldset></form>')),
    "12.10.1-keyshortcuts": (page('<p><button type="button" aria-keyshortcuts="Alt+Shift+R">Rechercher</button></p>'),
                             page('<p><button type="button" aria-keyshortcuts="r">Rechercher</button></p>')),
    "13.5.1-emoticon": (page('<p>Bonnes vacances à tous <abbr title="sourire">:-)</abbr></p>'), page('<p>Bonnes vacances à tous :-)</p>')),
    "13.9.1-orientation": (page(head='<style>@media (orientation: landscape) { main { transform: none } }</style>'),
                           page(head='<style>@media (orientation: portrait) { html { transform: rotate(90deg) } }</style>')),
    # Fourth batch (RuleFixtureTests4.swift)
    "3.3.1-field-border": (page('<form action="/r"><label for="v">Ville</label><input id="v" type="text" autocomplete="address-level2"></form>',
                                head='<style>input { border: 2px solid #767676 }</style>'),
                           page('<form action="/r"><label for="v">Ville</label><input id="v" type="text" autocomplete="address-level2"></form>',
                                head='<style>input { border: 1px solid #cccccc }</style>')),
    "3.3.1-button-border": (page('<form action="/r"><button type="submit">Envoyer la demande</button></form>',
                                 head='<style>button { border: 2px solid #1b3a6b; background: #ffffff; color: #1b3a6b }</style>'),
                            page('<form action="/r"><button type="submit">Envoyer la demande</button></form>',
                                 head='<style>button { border: 2px solid #dddddd; background: #ffffff; color: #1b3a6b }</style>')),
    "8.2.1-interactive-in-link": (page('<p><a href="/tarifs">Tarifs de la cantine</a> <button type="button">Imprimer</button></p>'),
                                  page('<p><a href="/tarifs">Tarifs de la cantine <button type="button">Imprimer</button></a></p>')),
    "8.2.1-block-in-span": (page('<div><span>Horaires</span><div>Lundi : 9 h – 12 h</div></div>'),
                            page('<div><span>Horaires<div>Lundi : 9 h – 12 h</div></span></div>')),
    "8.2.1-stray-end-tag": (page('<p>Horaires</p><ul><li>Lundi : 9 h – 12 h</li></ul>'),
                            page('<p>Horaires<ul><li>Lundi : 9 h – 12 h</li></ul></p>')),
    "8.2.1-misnested": (page('<p><strong><em>Fermé le lundi</em></strong></p>'),
                        page('<p><strong><em>Fermé le lundi</strong></em></p>')),
    "8.2.1-duplicate-attribute": (page('<img src="plan.png" alt="Plan d’accès à la mairie">'),
                                  page('<img src="plan.png" alt="Plan d’accès à la mairie" alt="Plan">')),
    "10.5.1-colour-without-background": (page('<p class="note">Fermé le lundi</p>', head='<style>body { color: #1e1e1e; background: #ffffff } .note { color: #595959 }</style>'),
                                         page('<p class="note">Fermé le lundi</p>', head='<style>.note { color: #595959 }</style>')),
    "10.5.2-background-without-colour": (page('<div class="encadre">Fermé le lundi</div>', head='<style>.encadre { background: #f3f3f3; color: #1e1e1e }</style>'),
                                         page('<div class="encadre">Fermé le lundi</div>', head='<style>.encadre { background: #f3f3f3 }</style>')),
    "10.5.3-image-without-background": (page('<div class="bandeau">Fête de la musique</div>', head='<style>.bandeau { background: #1b3a6b url(bandeau.png); color: #ffffff }</style>'),
                                        page('<div class="bandeau">Fête de la musique</div>', head='<style>.bandeau { background-image: url(bandeau.png) }</style>')),
    "10.6.1-link-colour-only": (page('<p>Consultez les <a href="/tarifs">tarifs de la cantine</a> avant l’inscription.</p>',
                                     head='<style>body { color: #1e1e1e; background: #ffffff } a { color: #1a4c9c }</style>'),
                                page('<p>Consultez les <a href="/tarifs">tarifs de la cantine</a> avant l’inscription.</p>',
                                     head='<style>body { color: #1e1e1e; background: #ffffff } a { color: #1a4c9c; text-decoration: none }</style>')),
    "10.6.1-hover-cue": (page('<p>Consultez les <a href="/tarifs">tarifs de la cantine</a> avant l’inscription.</p>',
                              head='<style>body { color: #000000; background: #ffffff } a { color: #0066cc; text-decoration: none } a:hover, a:focus { text-decoration: underline }</style>'),
                         page('<p>Consultez les <a href="/tarifs">tarifs de la cantine</a> avant l’inscription.</p>',
                              head='<style>body { color: #000000; background: #ffffff } a { color: #0066cc; text-decoration: none } a:hover, a:focus { color: #003366 }</style>')),
    "12.6.1-footer-zone": (page(), page().replace('<footer><p>Accessibilité : partiellement conforme</p></footer>',
                                                  '<div class="pied"><p>Accessibilité : partiellement conforme</p></div>')),
}

out = pathlib.Path("rules")
out.mkdir(exist_ok=True)
for name, (passing, failing) in CASES.items():
    (out / f"{name}.pass.html").write_text(passing)
    (out / f"{name}.fail.html").write_text(failing)
print(len(CASES), "cases")
