#!/bin/sh
# Guichet en CGI : le programme que lighttpd ou Apache lance pour chaque requête adressée à
# /guichet/. À copier dans /usr/local/lib/guichet/guichet.cgi (chmod 755).
# Voir docs/deploiement.md. La base de données doit être accessible en écriture à
# l'utilisateur du serveur web (www-data), ainsi que son dossier (fichiers -wal et -shm).
exec /usr/local/bin/guichet gateway cgi --root /srv/mairie --db /var/lib/guichet/guichet.sqlite
