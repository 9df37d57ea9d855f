#!/usr/bin/env bash
# run.sh VIGIE DATA LISTEN INSURED PROS SEED - `make run`: initialise and seed
# the demo data directory if it is not there yet, show how to log in, serve.
set -euo pipefail
vigie=$1 data=$2 listen=$3 insured=$4 pros=$5 seed=$6

if [ ! -f "$data/master.key" ]; then
  "$vigie" init --data "$data"
fi
if [ ! -f "$data/pros.tsv" ]; then
  echo "creating the demo population: $insured insured, $pros professionals (seed $seed)"
  "$vigie" seed --data "$data" --insured "$insured" --pros "$pros" --seed "$seed"
fi

read -r rpps password secret _ < <(sed -n 2p "$data/pros.tsv")
read -r nir family given _ < <(sed -n 2p "$data/insured-sample.tsv")
base="http://$listen"
cat <<MSG

  demo professional   RPPS $rpps   password $password
  current TOTP code   $vigie totp --data $data --rpps $rpps
  a demo insured      NIR $nir ($given $family); more in $data/insured-sample.tsv

  TOKEN=\$(curl -s $base/auth/pro/login -H 'Content-Type: application/json' \\
      -d "{\"rpps\":\"$rpps\",\"password\":\"$password\",\"totp\":\"\$($vigie totp --data $data --rpps $rpps)\"}" \\
      | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "Authorization: Bearer \$TOKEN" \\
      -H "Vigie-Card-Proof: \$($vigie card-proof --data $data --rpps $rpps --nir $nir)" \\
      '$base/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10|$nir&_revinclude=Coverage:beneficiary'
  (the patient's card proves presence; without it, a few lookups are minimised, then a
   step-up is asked: POST $base/auth/pro/step-up {"totp"})

MSG
if [ -f "$data/operators.tsv" ]; then
  read -r orpps opassword _ < <(sed -n 2p "$data/operators.tsv")
  cat <<MSG
  the security team   operator RPPS $orpps   password $opassword   (TOTP: $vigie totp --data $data --rpps $orpps)
                      GET $base/admin/alerts, POST $base/admin/reinstate {"rpps"}

MSG
fi
if [ -f "$data/insured-accounts.tsv" ]; then
  read -r anir aemail apassword _ < <(sed -n 2p "$data/insured-accounts.tsv")
  cat <<MSG
  a demo insured account   NIR $anir / $aemail   password $apassword
  (who looked at my record, with receipts; more accounts in $data/insured-accounts.tsv)

  ME=\$(curl -s $base/auth/insured/login -H 'Content-Type: application/json' \\
      -d '{"login":"$anir","password":"$apassword"}' | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "Authorization: Bearer \$ME" $base/me/accesses

  the public journal   $base/journal/checkpoint   ($vigie journal key --data $data)
  check it             $vigie journal verify --data $data

MSG
else
  echo "  ($data predates insured accounts: remove it and run make run again to get demo accounts)"
fi
exec "$vigie" serve --data "$data" --listen "$listen"
