#!/usr/bin/env python3
"""Write the same listings, taken from the shipped ai-jobs.net sample, in every import format.

    python scripts/make-feed-samples.py                      # the small samples in data/feeds/
    python scripts/make-feed-samples.py --count 100000 --out /tmp/feeds   # benchmark feeds

Each listing's title carries its seniority ("Senior Data Scientist"), its salary becomes a range of
±10 % around the aijobs figure (same midpoint), remote rows say so the way each format does, and every
format's file holds exactly the same listings, so importing any of them gives the same guide figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.salaries import aijobs, countries, titles  # noqa: E402
from service.salaries.paytext import Pay, format_pay  # noqa: E402

SAMPLE = ROOT / "data" / "salaries_aijobs_2020_2024.csv"
PREFIX = {"entry": "Junior ", "mid": "", "senior": "Senior ", "executive": "Principal "}
NATIVE = ["source", "external_id", "title", "role", "category", "seniority", "salary_min", "salary_max",
          "currency", "period", "country", "remote", "posted_at", "company"]
TODAY = date(2026, 1, 1)


def listings(count: int, years: tuple[int, ...] = (2023, 2024)) -> list[dict]:
    """`count` listings from the sample's rows of those work years, cycling with fresh ids if needed."""
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if int(r["work_year"]) in years]
    out = []
    for number in range(count):
        row = rows[(number * 7) % len(rows)]  # a spread of the file, not its first rows
        level = aijobs.EXPERIENCE[row["experience_level"]]
        title = PREFIX[level] + row["job_title"]
        said = titles.classify(title)
        salary = int(float(row["salary"]))
        spread = round(salary * 0.1)
        code = row["company_location"]
        out.append({
            "id": str(number + 1), "title": title, "role": said.role, "category": said.category,
            "seniority": said.seniority, "low": salary - spread, "high": salary + spread,
            "currency": row["salary_currency"], "country": code, "remote": row["remote_ratio"] == "100",
            "posted_at": aijobs.posted_at(row["work_year"], TODAY), "company": f"Example Employer {number % 40 + 1}",
        })
    return out


def place(code: str) -> str:
    """A location text that names the country (its name when that maps back, else its code)."""
    name = countries.names()[code]
    return name if countries.from_location(name) == code else code


def native_rows(items: list[dict], text_only: bool = False) -> list[dict]:
    rows = []
    for item in items:
        row = {"source": "native", "external_id": item["id"], "title": item["title"], "role": item["role"],
               "category": item["category"], "seniority": item["seniority"], "salary_min": item["low"],
               "salary_max": item["high"], "currency": item["currency"], "period": "year",
               "country": item["country"], "remote": str(item["remote"]).lower(),
               "posted_at": item["posted_at"].isoformat(), "company": item["company"]}
        if text_only:
            pay = Pay(item["low"], item["high"], item["currency"], "year")
            row |= {"source": "native_text", "salary_min": "", "salary_max": "", "currency": "", "period": "",
                    "role": "", "category": "", "seniority": "", "salary_text": format_pay(pay)}
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict], text_only: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, NATIVE + (["salary_text"] if text_only else []), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def stamp(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), UTC)


def jobposting(item: dict) -> dict:
    posting = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": item["title"],
        "identifier": {"@type": "PropertyValue", "name": "Example board", "value": item["id"]},
        "url": f"https://jobs.example.com/{item['id']}", "datePosted": item["posted_at"].isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": item["company"]},
        "baseSalary": {"@type": "MonetaryAmount", "currency": item["currency"],
                       "value": {"@type": "QuantitativeValue", "minValue": item["low"],
                                 "maxValue": item["high"], "unitText": "YEAR"}},
    }
    if item["remote"]:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": item["country"]}
    else:
        posting["jobLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress",
                                                               "addressCountry": item["country"]}}
    return posting


def greenhouse(items: list[dict]) -> dict:
    jobs = [{
        "id": int(item["id"]), "internal_job_id": 100000 + int(item["id"]), "title": item["title"],
        "updated_at": stamp(item["posted_at"]).isoformat(), "first_published": stamp(item["posted_at"]).isoformat(),
        "requisition_id": f"R-{item['id']}", "absolute_url": f"https://boards.greenhouse.io/example/jobs/{item['id']}",
        "location": {"name": (f"Remote - {item['country']}" if item["remote"] else place(item["country"]))},
        "metadata": None, "offices": [], "departments": [{"id": 1, "name": "Data"}],
        "pay_input_ranges": [{"min_cents": item["low"] * 100, "max_cents": item["high"] * 100,
                              "currency_type": item["currency"], "title": "Base salary", "blurb": ""}],
    } for item in items]
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


def lever(items: list[dict]) -> list[dict]:
    return [{
        "id": f"00000000-0000-4000-8000-{int(item['id']):012d}", "text": item["title"],
        "categories": {"commitment": "Full-time", "team": "Data",
                       "location": "Remote" if item["remote"] else place(item["country"])},
        "country": item["country"], "workplaceType": "remote" if item["remote"] else "on-site",
        "createdAt": int(stamp(item["posted_at"]).timestamp() * 1000),
        "hostedUrl": f"https://jobs.lever.co/example/{item['id']}",
        "salaryRange": {"currency": item["currency"], "interval": "per-year-salary",
                        "min": item["low"], "max": item["high"]},
    } for item in items]


def ashby(items: list[dict]) -> dict:
    jobs = [{
        "id": f"00000000-0000-4000-9000-{int(item['id']):012d}", "title": item["title"], "department": "Data",
        "isListed": True, "isRemote": item["remote"], "workplaceType": "Remote" if item["remote"] else "OnSite",
        "location": "Remote" if item["remote"] else place(item["country"]), "secondaryLocations": [],
        "address": {"postalAddress": {"addressCountry": place(item["country"])}},
        "publishedAt": stamp(item["posted_at"]).isoformat(timespec="milliseconds"),
        "employmentType": "FullTime", "jobUrl": f"https://jobs.ashbyhq.com/example/{item['id']}",
        "compensation": {"compensationTiers": [{"title": "Zone A", "components": [
            {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": item["currency"],
             "minValue": item["low"], "maxValue": item["high"]}]}]},
    } for item in items]
    return {"apiVersion": "1", "jobs": jobs}


def write_all(items: list[dict], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "native.csv", native_rows(items))
    write_csv(out / "native_salary_text.csv", native_rows(items, text_only=True), text_only=True)
    postings = [jobposting(item) for item in items]
    (out / "jobposting.jsonl").write_text("".join(json.dumps(p) + "\n" for p in postings), encoding="utf-8")
    graph = json.dumps({"@context": "https://schema.org/", "@graph": postings}, indent=1)
    (out / "jobposting.html").write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Remote jobs</title>\n"
        f"<script type=\"application/ld+json\">\n{graph}\n</script>\n</head>\n"
        "<body><h1>Remote jobs</h1></body></html>\n", encoding="utf-8")
    (out / "greenhouse.json").write_text(json.dumps(greenhouse(items), indent=1) + "\n", encoding="utf-8")
    (out / "lever.json").write_text(json.dumps(lever(items), indent=1) + "\n", encoding="utf-8")
    (out / "ashby.json").write_text(json.dumps(ashby(items), indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=120, help="listings per file (default 120)")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "feeds")
    args = parser.parse_args()
    write_all(listings(args.count), args.out)
    print(f"wrote {args.count} listings in each format to {args.out}")


if __name__ == "__main__":
    main()
