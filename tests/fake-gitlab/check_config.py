#!/usr/bin/env python3
"""An independent check of a config.toml dind-register wrote: parsed by Python's tomllib (a strict
TOML 1.0 reader), every key gitlab-runner knows checked for the type gitlab-runner decodes it
into, then printed one value per line, in the file's order, for the tests to compare exactly:

    runners[0].docker.tls_verify bool true

    check_config.py FILE

token_obtained_at is printed as "recent" when it lies within the last ten minutes (it is the
time of the run). Exits 1, naming the key, when a type or a rule is wrong; 2 when FILE is not
valid TOML.
"""

import datetime
import json
import sys
import tomllib

STR, INT, BOOL, TIME, STRS, TABLE = "str", "int", "bool", "datetime", "list[str]", "table"

GLOBAL = {
    "concurrent": INT, "check_interval": INT, "log_level": STR, "log_format": STR, "listen_address": STR,
    "shutdown_timeout": INT, "connection_max_age": STR, "sentry_dsn": STR, "session_server": TABLE,
}
SESSION_SERVER = {"session_timeout": INT, "listen_address": STR, "advertise_address": STR}
RUNNER = {
    "name": STR, "url": STR, "id": INT, "token": STR, "token_obtained_at": TIME, "token_expires_at": TIME,
    "tls-ca-file": STR, "tls-cert-file": STR, "tls-key-file": STR, "executor": STR, "shell": STR,
    "limit": INT, "output_limit": INT, "request_concurrency": INT, "environment": STRS, "builds_dir": STR,
    "cache_dir": STR, "clone_url": STR, "pre_get_sources_script": STR, "post_get_sources_script": STR,
    "pre_build_script": STR, "post_build_script": STR, "feature_flags": TABLE, "cache": TABLE,
    "docker": TABLE, "custom_build_dir": TABLE,
}
DOCKER = {
    "host": STR, "hostname": STR, "tls_verify": BOOL, "tls_cert_path": STR, "image": STR, "privileged": BOOL,
    "disable_entrypoint_overwrite": BOOL, "oom_kill_disable": BOOL, "disable_cache": BOOL, "volumes": STRS,
    "shm_size": INT, "network_mode": STR, "network_mtu": INT, "allowed_images": STRS, "allowed_services": STRS,
    "helper_image": STR, "runtime": STR, "cap_add": STRS, "security_opt": STRS, "services_privileged": BOOL,
    "allowed_privileged_images": STRS,
}

problems = []


def type_name(v):
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, int):
        return INT
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return STR
    if isinstance(v, datetime.datetime):
        return TIME
    if isinstance(v, (datetime.date, datetime.time)):
        return "local-" + type(v).__name__
    if isinstance(v, list):
        return STRS if all(isinstance(i, str) for i in v) else "list"
    if isinstance(v, dict):
        return TABLE
    return type(v).__name__


def check(table, schema, where):
    for key, want in schema.items():
        if key in table and type_name(table[key]) != want and not (want == STRS and table[key] == []):
            problems.append("%s%s is %s, gitlab-runner wants %s" % (where, key, type_name(table[key]), want))


def show(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, (str, list, int, float)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def dump(table, prefix, out):
    for key, v in table.items():
        path = prefix + key
        if isinstance(v, dict):
            out.append("%s table" % path)
            dump(v, path + ".", out)
        elif isinstance(v, list) and v and all(isinstance(i, dict) for i in v):
            for n, item in enumerate(v):
                dump(item, "%s[%d]." % (path, n), out)
        else:
            shown = show(v)
            if key == "token_obtained_at" and isinstance(v, datetime.datetime) and v.tzinfo:
                age = (datetime.datetime.now(datetime.timezone.utc) - v).total_seconds()
                shown = "recent" if -60 <= age <= 600 else shown
            out.append("%s %s %s" % (path, type_name(v), shown))


def main():
    with open(sys.argv[1], "rb") as f:
        try:
            doc = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            print("not valid TOML: %s" % e, file=sys.stderr)
            return 2
    check(doc, GLOBAL, "")
    if "concurrent" in doc and isinstance(doc["concurrent"], int) and doc["concurrent"] < 1:
        problems.append("concurrent must be at least 1")
    if isinstance(doc.get("session_server"), dict):
        check(doc["session_server"], SESSION_SERVER, "session_server.")
    runners = doc.get("runners", [])
    if not isinstance(runners, list) or not all(isinstance(r, dict) for r in runners):
        problems.append("runners is not an array of tables")
        runners = []
    names = [r.get("name") for r in runners]
    for n, r in enumerate(runners):
        where = "runners[%d]." % n
        check(r, RUNNER, where)
        for key in ("token_obtained_at", "token_expires_at"):
            if isinstance(r.get(key), datetime.datetime) and r[key].tzinfo is None:
                problems.append(where + key + " has no time zone")
        if "token_expires_at" in r and "token_obtained_at" not in r:
            problems.append(where + "token_expires_at without token_obtained_at: the runner would rotate at once")
        if isinstance(r.get("docker"), dict):
            check(r["docker"], DOCKER, where + "docker.")
            pp = r["docker"].get("pull_policy")
            if pp is not None and type_name(pp) not in (STR, STRS):
                problems.append(where + "docker.pull_policy must be a string or strings")
        if isinstance(r.get("feature_flags"), dict):
            for k, v in r["feature_flags"].items():
                if not isinstance(v, bool):
                    problems.append(where + "feature_flags." + k + " is not a bool")
    for name in set(n for n in names if names.count(n) > 1):
        problems.append("two runners are named %r" % name)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    out = []
    dump(doc, "", out)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
