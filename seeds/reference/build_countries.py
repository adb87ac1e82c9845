"""Build seeds/reference/countries.csv from the Unicode CLDR territory names babel ships.

Usage: uv run python seeds/reference/build_countries.py

One row per country or territory with its Simplified Chinese name (CLDR zh_Hans), plus a few
former countries that older reports name. China itself, its regions (香港, 澳门, 台湾: they are
rows of regions.csv) and CLDR's groupings (欧盟, 联合国, 未知地区 …) are left out.
"""

from __future__ import annotations

import csv
from pathlib import Path

from babel import Locale

# Regions of China (regions.csv has them) and CLDR entries that are no country.
LEFT_OUT = {"CN", "HK", "MO", "TW", "EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AQ", "IC", "EA", "DG", "AC", "TA", "CP"}
# Former countries named in the national reports of 1954-1990, and common shorter forms.
EXTRA = {
    "苏联": "former: Soviet Union",
    "南斯拉夫": "former: Yugoslavia",
    "捷克斯洛伐克": "former: Czechoslovakia",
    "民主德国": "former: German Democratic Republic",
    "联邦德国": "former: Federal Republic of Germany",
    "东德": "former: German Democratic Republic",
    "西德": "former: Federal Republic of Germany",
    "俄国": "former: Russia before 1917",
    "刚果": "short form of 刚果（布） and 刚果（金）",
}


def main(out: Path) -> None:
    names = Locale.parse("zh_Hans_CN").territories
    rows = sorted(
        (name, code)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in LEFT_OUT and "（" not in name
    )
    rows += sorted((name, note) for name, note in EXTRA.items())
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "note"])
        w.writerows(rows)
    print(f"{len(rows)} countries written to {out}")


if __name__ == "__main__":
    main(Path(__file__).with_name("countries.csv"))
