"""A person in headless Chromium (Selenium) against `guichet serve`: fills the contact form by
its labels, sends it, reads the receipt; then sends it empty and follows the error summary.
"""

import re
import time

from support import Failure, Processes, check, free_port, port_open, queue_rows, wait_until

NAME = "Chromium + guichet serve"

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# What a person types, by the label they read (the asterisk aside).
ANSWERS = {
    "Nom": "Martin",
    "Prénom": "Anaïs",
    "Numéro et nom de la voie": "3 chemin des Écoliers",
    "Code postal": "99150",
    "Commune": "Brémonval",
    "Adresse électronique": "anais.martin@example.org",
    "Votre message": "Bonjour,\nLa bibliothèque est-elle ouverte pendant les vacances de Noël ?\nMerci.",
}
# For a list or a group of buttons: the choice, by its visible text.
CHOICES = {
    "Objet de votre message": "Demander un renseignement pratique",
    "Comment souhaitez-vous recevoir notre réponse ?": "Par courriel",
}
REFERENCE = re.compile(r"\b[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}\b")


def start_browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=fr-FR",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def visible_name(element):
    """A label's or legend's text without the required-field asterisk."""
    return element.text.replace("*", "").strip()


def fill_like_a_person(driver):
    """Every field marked required (label or legend with the asterisk) gets an answer, found by
    its label as a person reads it; returns the names filled."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    filled = []
    form = driver.find_element(By.CSS_SELECTOR, "form.demarche")
    for label in form.find_elements(By.CSS_SELECTOR, "label"):
        if not label.find_elements(By.CSS_SELECTOR, ".required"):
            continue
        name = visible_name(label)
        control = driver.find_element(By.ID, label.get_attribute("for"))
        if control.tag_name == "select":
            check(name in CHOICES, f"required list « {name} »: the test does not know what to choose")
            Select(control).select_by_visible_text(CHOICES[name])
        else:
            check(name in ANSWERS, f"required field « {name} »: the test does not know what to type")
            control.click()
            control.send_keys(ANSWERS[name])
        filled.append(name)
    for legend in form.find_elements(By.CSS_SELECTOR, "fieldset.choices > legend"):
        if not legend.find_elements(By.CSS_SELECTOR, ".required"):
            continue
        name = visible_name(legend)
        check(name in CHOICES, f"required group « {name} »: the test does not know what to choose")
        fieldset = legend.find_element(By.XPATH, "..")
        choice = [l for l in fieldset.find_elements(By.CSS_SELECTOR, "label") if l.text.strip() == CHOICES[name]]
        check(choice, f"group « {name} » has no choice « {CHOICES[name]} »")
        choice[0].click()  # clicking the label checks its radio button, as for a person
        radio = driver.find_element(By.ID, choice[0].get_attribute("for"))
        check(radio.is_selected(), f"clicking « {CHOICES[name]} » did not select it")
        filled.append(name)
    return filled


def submit(driver):
    from selenium.webdriver.common.by import By

    button = driver.find_element(By.XPATH, "//form[contains(@class,'demarche')]//button[@type='submit']")
    check(button.text.strip() == "Envoyer la demande", f"submit button reads « {button.text} »")
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait for the next page to replace this one
        try:
            old.tag_name
        except Exception:
            return
        time.sleep(0.05)
    raise Failure("the form was not sent (still on the same page after 30 s)")


def run(ws):
    from selenium.webdriver.common.by import By

    folder = ws.folder("browser")
    procs = Processes(folder)
    driver = None
    try:
        port, db = free_port(), folder / "x.sqlite"
        serve = procs.start("serve", [ws.binary, "serve", "--root", ws.root, "--port", port, "--db", db])
        wait_until(lambda: port_open(port), "guichet serve (it builds the site first)", timeout=90,
                   proc=serve, procs=procs, name="serve")
        base = f"http://127.0.0.1:{port}"
        driver = start_browser()

        # 1. A person fills the form and sends it.
        driver.get(base + "/formulaires/contact/")
        check("Écrire à la mairie" in driver.title, f"contact page title: {driver.title!r}")
        filled = fill_like_a_person(driver)
        check(len(filled) >= 9, f"only {len(filled)} required fields found: {filled}")
        submit(driver)
        check("/guichet/suivi/" in driver.current_url and "?cle=" in driver.current_url,
              f"after sending: expected the receipt, got {driver.current_url} « {driver.title} »\n"
              + driver.find_element(By.TAG_NAME, "main").text[:500])
        h1 = driver.find_element(By.TAG_NAME, "h1").text
        page_text = driver.find_element(By.TAG_NAME, "main").text
        m = REFERENCE.search(driver.title) or REFERENCE.search(page_text)
        check(m is not None, f"no reference on the receipt page: {driver.title!r} {page_text[:300]!r}")
        reference = m.group(0)
        check(reference in driver.current_url, f"reference {reference} is not the one in the address {driver.current_url}")
        check("Accusé d’enregistrement" in driver.title, f"receipt title: {driver.title!r} (h1 {h1!r})")
        check("Anaïs" in page_text or "Martin" in page_text, "the receipt does not show the answers given")
        check(reference in queue_rows(db), f"{reference} is not in the queue")

        # 2. The same form sent empty: the error summary comes first, its links lead to fields.
        driver.get(base + "/formulaires/contact/")
        submit(driver)
        summary = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
        check(summary, f"empty form: no error summary ({driver.current_url}, « {driver.title} »)")
        check("Il y a un problème" in summary[0].text, f"error summary text: {summary[0].text[:200]!r}")
        focused_or_first = driver.execute_script("""
            const s = document.querySelector('.error-summary');
            const main = document.querySelector('main');
            return {focused: s.contains(document.activeElement),
                    first: main.firstElementChild === s,
                    top: s.getBoundingClientRect().top, h1: document.querySelector('h1').getBoundingClientRect().top};""")
        check(focused_or_first["focused"] or (focused_or_first["first"] and focused_or_first["top"] < focused_or_first["h1"]),
              f"the error summary neither has the focus nor comes first in <main>: {focused_or_first}")
        links = summary[0].find_elements(By.CSS_SELECTOR, "a")
        check(len(links) >= 5, f"error summary lists {len(links)} errors for an empty form")
        for link in links:
            target = link.get_attribute("href").split("#", 1)[-1]
            check(driver.find_elements(By.ID, target), f"error link « {link.text} » points to #{target}, which does not exist")
        first_target = links[0].get_attribute("href").split("#", 1)[1]
        links[0].click()
        active = driver.execute_script("return document.activeElement && document.activeElement.id")
        check(active == first_target or driver.current_url.endswith("#" + first_target),
              f"following the first error link did not lead to #{first_target} (focus on {active!r})")
        check(len(queue_rows(db)) == 1, "the empty form was stored")
        return f"{len(filled)} champs remplis par leur étiquette → {reference} ; formulaire vide : {len(links)} erreurs liées"
    finally:
        if driver is not None:
            driver.quit()
        procs.stop_all()
