<?php
// The php-fpm half of Benchmarks/gateway-vs-php.sh: what `guichet gateway` does for a POST of
// the demo's contact form (Forms/contact.yaml), written the way a PHP site would.
//   parse the urlencoded body -> validate (same rules as Sources/FormKit/FormValidator.swift for
//   the fields of this form) -> one IMMEDIATE transaction (submission + its "depot" event) in
//   SQLite, WAL, synchronous=FULL, busy_timeout -> 303 to a receipt with a new reference.
// The database path and the form digest come from fastcgi_param (BENCH_DB, BENCH_DIGEST).
// Its schema is created once by the script (schema.sql, same tables as Sources/Queue/Schema.swift).
// The connection is persistent (PDO::ATTR_PERSISTENT; BENCH_PERSISTENT=0 opens one per request,
// as most PHP code does): no open and no WAL checkpoint on the last close at every request.

function refuse(int $status, string $why): void {
    http_response_code($status);
    header('Content-Type: text/plain; charset=utf-8');
    echo $why, "\n";
}

function clean(string $text): string {
    $text = str_replace(["\r\n", "\r", "\t"], ["\n", "\n", ' '], $text);
    $text = preg_replace('/[^\P{Cc}\n]|[\p{Cf}&&[^\x{200D}]]/u', '', $text);
    return $text === null ? '' : trim($text);
}

function one(array $post, string $name): ?string {
    $value = $post[$name] ?? '';
    return is_string($value) ? clean($value) : null;   // name[]=… (several values): refused
}

if ($_SERVER['REQUEST_METHOD'] !== 'POST') { refuse(405, 'POST only'); return; }
if (!str_starts_with($_SERVER['CONTENT_TYPE'] ?? '', 'application/x-www-form-urlencoded')) { refuse(415, 'form expected'); return; }
$origin = $_SERVER['HTTP_ORIGIN'] ?? null;
if ($origin !== null && strtolower($origin) !== strtolower('http://' . ($_SERVER['HTTP_HOST'] ?? ''))) { refuse(403, 'cross-site'); return; }
$post = $_POST;
if (($post['guichet-site-web'] ?? '') !== '') { refuse(400, 'robot'); return; }
if (($post['guichet-formulaire'] ?? 'contact') !== 'contact') { refuse(400, 'wrong form'); return; }
if (($post['guichet-version'] ?? '') !== ($_SERVER['BENCH_DIGEST'] ?? '')) { refuse(409, 'form updated'); return; }

$errors = [];
$values = [];
$len = fn(string $s): int => mb_strlen($s, 'UTF-8');
$text = function (string $id, bool $required, int $max, bool $multiline = false) use ($post, $len, &$errors, &$values) {
    $v = one($post, $id);
    if ($v === null) { $errors[$id] = 'répété'; return; }
    if ($v === '') { if ($required) $errors[$id] = 'obligatoire'; return; }
    if ($len($v) > $max) { $errors[$id] = 'trop long'; return; }
    if (!$multiline && str_contains($v, "\n")) { $errors[$id] = 'une seule ligne'; return; }
    $values[$id] = $v;
};
$choice = function (string $id, bool $required, array $allowed) use ($post, &$errors, &$values) {
    $v = one($post, $id);
    if ($v === null) { $errors[$id] = 'répété'; return; }
    if ($v === '') { if ($required) $errors[$id] = 'choisir'; return; }
    if (!in_array($v, $allowed, true)) { $errors[$id] = 'choix inconnu'; return; }
    $values[$id] = $v;
};

$choice('objet', true, ['question-demarche', 'renseignement', 'suggestion', 'reclamation', 'accessibilite', 'autre']);
$choice('service-concerne', false, ['etat-civil', 'elections', 'scolaire', 'services-techniques', 'vie-associative', 'ccas', 'ne-sait-pas']);
$text('reference', false, 40);
$text('message', true, 3000, true);
$choice('reponse', true, ['par-courriel', 'par-courrier', 'par-telephone']);
$text('nom', true, 100);
$text('prenom', true, 100);
// Address: street, complement, commune up to 200 characters; postcode 5 digits, not 00xxx.
$street = one($post, 'adresse-voie'); $complement = one($post, 'adresse-complement');
$postcode = one($post, 'adresse-code-postal'); $commune = one($post, 'adresse-commune');
if ($street === null || $complement === null || $postcode === null || $commune === null) $errors['adresse-voie'] = 'répété';
elseif ($len($street) > 200 || $len($complement) > 200 || $len($commune) > 200) $errors['adresse-voie'] = 'trop long';
elseif ($street === '') $errors['adresse-voie'] = 'voie';
elseif (!preg_match('/^(?!00)[0-9]{5}$/', str_replace(' ', '', $postcode))) $errors['adresse-code-postal'] = 'code postal';
elseif ($commune === '') $errors['adresse-commune'] = 'commune';
else $values['adresse'] = ['voie' => $street, 'complement' => $complement === '' ? null : $complement,
                           'code_postal' => str_replace(' ', '', $postcode), 'commune' => $commune];
// E-mail: the rules of FieldFormats.email.
$email = one($post, 'courriel');
if ($email === null || $email === '') $errors['courriel'] = 'obligatoire';
else {
    $parts = explode('@', $email);
    $ok = count($parts) === 2 && $parts[0] !== '' && $len($parts[0]) <= 64 && $len($email) <= 254
        && !preg_match('/[\s<>()\[\],;:\\\\"]/u', $parts[0]) && $parts[0][0] !== '.' && !str_ends_with($parts[0], '.')
        && !str_contains($parts[0], '..');
    if ($ok) {
        $domain = mb_strtolower($parts[1], 'UTF-8');
        $labels = explode('.', $domain);
        $ok = count($labels) >= 2 && preg_match('/^[\p{L}\p{N}.-]+$/u', $domain)
            && preg_match('/^\p{L}{2,}$/u', end($labels));
        foreach ($labels as $label) {
            if ($label === '' || $label[0] === '-' || str_ends_with($label, '-')) $ok = false;
        }
    }
    if ($ok) $values['courriel'] = $parts[0] . '@' . $domain; else $errors['courriel'] = 'adresse électronique';
}
$tel = one($post, 'telephone');
if ($tel === null) $errors['telephone'] = 'répété';
elseif ($tel !== '') {
    if (!preg_match('/^\+?[0-9 .\/()-]+$/', $tel) || strlen(preg_replace('/[^0-9]/', '', $tel)) < 9) $errors['telephone'] = 'téléphone';
    else $values['telephone'] = $tel;
}
if ($errors) { refuse(422, json_encode($errors, JSON_UNESCAPED_UNICODE)); return; }

// Store: one transaction, a fresh reference made as the gateway makes it (ReferenceCode.make
// and Store.nextPosition): the first 5 symbols count the requests from the queue's first one,
// the last 3 are random, then the check symbol; the request gets the next id.
$db = new PDO('sqlite:' . $_SERVER['BENCH_DB'], null, null, [PDO::ATTR_PERSISTENT => ($_SERVER['BENCH_PERSISTENT'] ?? '1') === '1',
    PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 10]);
$db->exec('PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON');
$alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
$space = 31 ** 5;
$key = bin2hex(random_bytes(16));
$now = DateTime::createFromFormat('U.u', sprintf('%.6F', microtime(true)))->format('Y-m-d\TH:i:s.v\Z');
try {
    $db->exec('BEGIN IMMEDIATE');
    $last = $db->query('SELECT max(id) FROM submissions')->fetchColumn();
    if ($last === null) {
        $id = 1;
        $sequence = random_int(0, $space - 1);
    } else {
        [$firstID, $firstReference] = $db->query('SELECT id, reference FROM submissions ORDER BY id LIMIT 1')->fetch(PDO::FETCH_NUM);
        $firstSequence = 0;
        foreach ([0, 1, 2, 4, 5] as $position) { $firstSequence = $firstSequence * 31 + strpos($alphabet, $firstReference[$position]); }
        $id = (int)$last + 1;
        $sequence = ($firstSequence + $id - (int)$firstID) % $space;
    }
    $insert = $db->prepare('INSERT INTO submissions (id, reference, form_id, form_digest, service_id, channel, received_at, payload, key_hash, notify_email)
        VALUES (?, ?, \'contact\', ?, \'accueil\', \'web\', ?, ?, ?, ?) ON CONFLICT (reference) DO NOTHING');
    $payload = json_encode($values, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    for ($attempt = 0; ; $attempt++) {
        $value = $sequence * 29791 + random_int(0, 29790);
        $digits = array_fill(0, 8, 0);
        for ($i = 7; $i >= 0; $i--) { $digits[$i] = $value % 31; $value = intdiv($value, 31); }
        $check = 0;
        foreach ($digits as $i => $d) { $check += ($i + 1) * $d; }
        $digits[] = $check % 31;
        $ref = '';
        foreach ($digits as $i => $d) { $ref .= ($i === 3 || $i === 6 ? '-' : '') . $alphabet[$d]; }
        $insert->bindValue(1, $id, PDO::PARAM_INT); $insert->bindValue(2, $ref); $insert->bindValue(3, $_SERVER['BENCH_DIGEST']);
        $insert->bindValue(4, $now); $insert->bindValue(5, $payload); $insert->bindValue(6, hash('sha256', $key, true), PDO::PARAM_LOB);
        $insert->bindValue(7, $values['courriel']);
        $insert->execute();
        if ($insert->rowCount() === 1) break;
        if ($attempt === 31) throw new RuntimeException('no free reference');
    }
    $db->prepare('INSERT INTO events (submission_id, kind, at) VALUES (?, \'depot\', ?)')->execute([$id, $now]);
    // The accusé d'enregistrement e-mailed to the citizen, queued in the same transaction (as the gateway does).
    $db->prepare('INSERT INTO outbox (kind, submission_id, reference, body, next_attempt_at, created_at) VALUES (\'mail\', ?, ?, ?, ?, ?)')
        ->execute([$id, $ref, json_encode(['cle' => $key, 'modele' => 'accuse-enregistrement']), (int)(microtime(true) * 1000), $now]);
    $db->exec('COMMIT');
} catch (Throwable $e) {
    try { $db->exec('ROLLBACK'); } catch (Throwable $ignored) {}
    error_log('bench contact.php: ' . $e->getMessage());
    refuse(503, 'storage');
    return;
}
http_response_code(303);
header('Location: /php/suivi/' . $ref . '?cle=' . $key);
