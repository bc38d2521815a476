# Sourced by Benchmarks/gateway-vs-php.sh and Benchmarks/gateway-ab.sh.
#
# contact_body GUICHET REPO WORK BODY: prints the contact form's digest, read from the 422 page
# that `GUICHET gateway cgi` gives for an incomplete post (the form as published, with its
# current version field), and writes to BODY the urlencoded post of wrk's runs: the demo's
# contact form (Forms/contact.yaml) with its 8 fields answered. Fails if no digest is found.
contact_body() {
  local guichet=$1 repo=$2 work=$3 body=$4 digest
  digest=$(cd "$work" && env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
      REQUEST_URI=/guichet/formulaires/contact SERVER_NAME=127.0.0.1 SERVER_PORT=80 SERVER_PROTOCOL=HTTP/1.1 \
      CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=5 \
      "$guichet" gateway cgi --root "$repo" --db "$work/digest.sqlite" <<< "nom=x" 2>/dev/null \
    | grep -o 'name="guichet-version" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="//; s/"$//' || true)
  [ ${#digest} = 64 ] || { echo "could not read the contact form's digest from the gateway's 422 page" >&2; return 1; }
  python3 - "$digest" > "$body" <<'PY'
import sys, urllib.parse
pairs = [("guichet-formulaire", "contact"), ("guichet-version", sys.argv[1]), ("guichet-site-web", ""),
         ("objet", "renseignement"), ("service-concerne", "etat-civil"),
         ("message", "Bonjour, à quelle heure ouvre la mairie le samedi ? Merci d’avance."),
         ("reponse", "par-courriel"), ("nom", "Martin"), ("prenom", "Élise"),
         ("adresse-voie", "12 rue des Tilleuls"), ("adresse-code-postal", "12345"),
         ("adresse-commune", "Brémonval"), ("courriel", "elise.martin@example.org")]
sys.stdout.write(urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote))
PY
  echo "$digest"
}
