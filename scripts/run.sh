#!/usr/bin/env bash
# run.sh VIGIE DATA LISTEN INSURED PROS SEED - `make run`: create the demo data
# directory if there is none yet, show how to log in, serve. BASE_URL (the
# environment) is the public FHIR base when vigie sits behind a proxy.
#
# The first run seeds into a sibling temporary directory that is renamed to
# DATA only once the population is complete: interrupting it (Ctrl-C while
# it hashes passwords) leaves no half population, and the next `make run`
# simply starts again.
set -euo pipefail
vigie=$1 data=$2 listen=$3 insured=$4 pros=$5 seed=$6
base_url=${BASE_URL:-}

die() { echo "make run: $*" >&2; exit 1; }

host=${listen%:*} port=${listen##*:}
[ -n "$host" ] && [ -n "$port" ] && [ "$host" != "$listen" ] || die "LISTEN must be HOST:PORT, e.g. 127.0.0.1:8080 (got '$listen')"
case $port in ''|*[!0-9]*) die "LISTEN: the port must be a number (got '$port')";; esac
# The port first: seeding takes minutes, and a port in use would only show at the end.
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  die "something already listens on $listen: stop it, or choose another address, e.g. make run LISTEN=$host:$((port + 1))"
fi

if [ -d "$data" ] && [ ! -f "$data/pros.tsv" ]; then
  die "$data exists but holds no demo population ($data/pros.tsv is missing).
  It may be the remains of an interrupted seed from an older version of make run:
  remove it (rm -rf $data) and run make run again, or choose another DATA=dir."
fi
if [ ! -d "$data" ]; then
  parent=$(dirname "$data")
  mkdir -p "$parent"
  # Remains of an interrupted first run: ours by their name, never complete.
  rm -rf "$parent/.$(basename "$data").seeding."*
  tmp=$(mktemp -d "$parent/.$(basename "$data").seeding.XXXXXX")
  trap 'rm -rf "$tmp" "$tmp-cards.key"' EXIT
  trap 'exit 130' INT TERM
  rmdir "$tmp" # vigie init creates it, mode 0700
  "$vigie" init --data "$tmp"
  echo "creating the demo population: $insured insured, $pros professionals (seed $seed)"
  "$vigie" seed --data "$tmp" --insured "$insured" --pros "$pros" --seed "$seed"
  mv "$tmp-cards.key" "$data-cards.key"
  mv "$tmp" "$data"
  trap - EXIT INT TERM
fi
# A demo directory from before the card master secret moved out of it (vigie serve refuses it).
if [ -f "$data/cards.key" ] && [ ! -e "$data-cards.key" ]; then
  mv "$data/cards.key" "$data-cards.key"
fi

read -r rpps password secret _ < <(sed -n 2p "$data/pros.tsv")
read -r nir family given _ < <(sed -n 2p "$data/insured-sample.tsv")
origin="http://$listen"
fhir=${base_url:-$origin/fhir}
cat <<MSG

  demo professional   RPPS $rpps   password $password
  current TOTP code   $vigie totp --data $data --rpps $rpps
  a demo insured      NIR $nir ($given $family); more in $data/insured-sample.tsv

  TOKEN=\$(curl -s $origin/auth/pro/login -H 'Content-Type: application/json' \\
      -d "{\"rpps\":\"$rpps\",\"password\":\"$password\",\"totp\":\"\$($vigie totp --data $data --rpps $rpps)\"}" \\
      | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "Authorization: Bearer \$TOKEN" \\
      -H "Vigie-Card-Proof: \$($vigie card-proof --data $data --rpps $rpps --nir $nir)" \\
      '$origin/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10|$nir&_revinclude=Coverage:beneficiary'
  (the patient's card proves presence; without it, a few lookups are minimised, then a
   step-up is asked: POST $origin/auth/pro/step-up {"totp"})
  FHIR base in answers: $fhir

MSG
if [ -f "$data/operators.tsv" ]; then
  read -r orpps opassword _ < <(sed -n 2p "$data/operators.tsv")
  cat <<MSG
  the security team   operator RPPS $orpps   password $opassword   (TOTP: $vigie totp --data $data --rpps $orpps)
                      GET $origin/admin/alerts, POST $origin/admin/reinstate {"rpps"}

MSG
fi
if [ -f "$data/insured-accounts.tsv" ]; then
  read -r anir aemail apassword _ < <(sed -n 2p "$data/insured-accounts.tsv")
  cat <<MSG
  a demo insured account   NIR $anir / $aemail   password $apassword
  (who looked at my record, with receipts; more accounts in $data/insured-accounts.tsv)

  ME=\$(curl -s $origin/auth/insured/login -H 'Content-Type: application/json' \\
      -d '{"login":"$anir","password":"$apassword"}' | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "Authorization: Bearer \$ME" $origin/me/accesses

  the public journal   $origin/journal/checkpoint   ($vigie journal key --data $data)
  check it             $vigie journal verify --data $data

MSG
else
  echo "  ($data predates insured accounts: remove it and run make run again to get demo accounts)"
fi
args=(serve --data "$data" --listen "$listen")
[ -n "$base_url" ] && args+=(--base-url "$base_url")
exec "$vigie" "${args[@]}"
