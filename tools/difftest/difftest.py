#!/usr/bin/env python3
"""Differential test of `trustcheck eval` on AWS trust policies against an independent IAM
simulator, @cloud-copilot/iam-simulate (AGPL: installed outside this repository, driven through
driver.mjs, never part of the build or CI). See docs/semantics-aws.md, "Differential testing".

Random tokens and random trust policies are generated; the simulator is asked through the request
context IAM would build from the token, and `trustcheck eval --format json` through the token
itself, so the mapping from claims to condition keys is under test too. That mapping is written
here independently of the engine's table (SEMANTICS.md, "Which claims IAM can see"):
  - key prefix = iss without `https://` (path and trailing slash kept);
  - only the exposed claims (every provider: aud sub azp amr email; GitHub adds nine keys; Google
    reads aud from azp when present and exposes the token's aud as oaud; Cognito aud sub amr);
  - a JSON list is a multi-valued key, except a one-element list of a key that is not a set by
    nature (our reading for EKS's `aud: ["sts.amazonaws.com"]`); `amr` is always a set;
  - session tags: aws:RequestTag/<k>, aws:TagKeys, sts:TransitiveTagKeys, and the token then needs
    sts:TagSession as well (one simulator run per action; an explicit deny in either wins, both
    must allow).
Cases where the simulator departs from the AWS documentation are generated but not compared; they
are counted per class (see `exclusion`).

Usage:
  IAM_SIMULATE_DIR=/path/to/install python3 tools/difftest/difftest.py \
      [--binary build/trustcheck] [--cases N] [--seed S] [--per-token K] [--keep FILE] [--simple]
where /path/to/install holds node_modules/@cloud-copilot/iam-simulate (npm install
@cloud-copilot/iam-simulate@0.1.173 there). Exit 1 when any compared case disagrees.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ACCOUNT = "111122223333"

# ---------------------------------------------------------------------------
# Providers and the claims IAM exposes for them (SEMANTICS.md).

GENERIC = {"aud": ["aud"], "sub": ["sub"], "azp": ["azp"], "amr": ["amr"], "email": ["email"]}
GITHUB_EXTRA = ["actor", "actor_id", "job_workflow_ref", "repository", "repository_id", "workflow", "ref",
                "environment", "enterprise_id"]
GITHUB = dict(GENERIC, **{c: [c] for c in GITHUB_EXTRA})
GOOGLE = {"aud": ["azp", "aud"], "oaud": ["aud"], "sub": ["sub"], "email": ["email"]}
COGNITO = {"aud": ["aud"], "sub": ["sub"], "amr": ["amr"]}
SET_KEYS = {"amr"}  # multi-valued by nature

PROVIDERS = [
    # (issuer, principal for the simulator, exposed claims)
    ("https://token.actions.githubusercontent.com", None, GITHUB),
    ("https://token.actions.githubusercontent.com/acme-ent", None, GITHUB),
    ("https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", None, GENERIC),
    ("https://oidc.circleci.com/org/1234-abcd", None, GENERIC),
    ("https://app.terraform.io", None, GENERIC),
    ("https://auth.example.com/", None, GENERIC),
    ("https://Auth.Example.org", None, GENERIC),
    ("https://cognito-identity.amazonaws.com", "cognito-identity.amazonaws.com", COGNITO),
    ("https://accounts.google.com", "accounts.google.com", GOOGLE),
    ("accounts.google.com", "accounts.google.com", GOOGLE),
]
BUILTIN = ["accounts.google.com", "cognito-identity.amazonaws.com", "graph.facebook.com", "www.amazon.com"]


def key_prefix(iss):
    return iss[len("https://"):] if iss.startswith("https://") else iss


def principal_for(iss):
    for p_iss, principal, _ in PROVIDERS:
        if p_iss == iss and principal:
            return principal
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{key_prefix(iss)}"


def exposed_for(iss):
    for p_iss, _, exposed in PROVIDERS:
        if p_iss == iss:
            return exposed
    return GENERIC


TAGS_CLAIM = "https://aws.amazon.com/tags"
SIMPLE = False  # --simple: one condition per policy

# ---------------------------------------------------------------------------
# Values

VALUES = [
    "repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod", "repo:Acme/App:ref:refs/heads/main",
    "repo:acme/app:pull_request", "repo:acme/other:ref:refs/heads/dev", "repo:acme/app:",
    "sts.amazonaws.com", "STS.amazonaws.com", "aws.workload.identity", "", "a", "A", "ab", "abc", "aXbXc", "a*b",
    "a?b", "a$b", "${x}", "x:y/z", "*", "?", "é", "É", "ß", "日本", "😀", "a😀b", "line\nbreak", "true", "TRUE",
    "false", "False", "5", "10", "-3", "2.5", "007", "2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z",
    "2024-06-01", "2024-06-01T12:00:00.250Z", "1700000000", "1717243200", "10.0.0.1", "arn:aws:iam::111122223333:role/deploy",
    "system:serviceaccount:default:my-sa", "system:serviceaccount:kube-system:aws-node", "octocat",
    "acme/app", "refs/heads/main", "acme/app/.github/workflows/deploy.yml@refs/heads/main", "12345",
    "us-east-1:abcd-1234", "authenticated", "unauthenticated", "cognito-identity.amazonaws.com",
    "user@example.com", "USER@EXAMPLE.COM", "Ärger", "ärger", "ΣΊΣΥΦΟΣ", "σίσυφος",
]
NUMERIC_VALUES = ["0", "5", "10", "-3", "2.5", "10.0", "007", "74", "100", "abc", ""]
DATE_VALUES = ["2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2024-06-01", "2023-12-31T23:59:59Z",
               "2024-06-01T14:00:00+02:00", "2024-06-01T12:00:00.500Z", "2024-06-01T12:00:00.5Z",
               "2024-06-01T11:59:59.999Z", "1700000000", "1717243200", "1704067200", "not-a-date"]


def rand_case(rng, s):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


def flip_case(s):
    return s.swapcase()


def like_pattern(rng, v):
    """A StringLike pattern derived from v that often matches it."""
    choice = rng.randrange(12)
    chars = list(v)
    if choice == 0:
        return "*"
    if choice == 1 and v:
        i = rng.randrange(len(v) + 1)
        return v[:i] + "*"
    if choice == 2 and v:
        i = rng.randrange(len(v) + 1)
        return "*" + v[i:]
    if choice == 3 and v:
        i = rng.randrange(len(v))
        j = rng.randrange(i, len(v) + 1)
        return v[:i] + "*" + v[j:]
    if choice == 4 and v:
        i = rng.randrange(len(v))
        return "".join(chars[:i]) + "?" + "".join(chars[i + 1:])
    if choice == 5:
        return v + "*"  # `*` matching the empty string
    if choice == 6 and v:
        i = rng.randrange(len(v))
        return "".join(chars[:i]) + "??" + "".join(chars[i + 1:])
    if choice == 7:
        return "*" + v + "*"
    if choice == 8:
        return v.replace("*", "${*}").replace("?", "${?}").replace("$", "${$}") if rng.random() < 0.7 else v
    if choice == 9:
        return "**" + v[len(v) // 2:]
    if choice == 10:
        return rng.choice(VALUES)
    return v


def variable_value(rng, prefixes, claims):
    key_claim = rng.choice(claims + ["nosuch"])
    key = f"{rand_case(rng, rng.choice(prefixes))}:{key_claim}"
    r = rng.random()
    if r < 0.15:
        key = rng.choice(["aws:RequestTag/Team", "aws:TagKeys", "sts:TransitiveTagKeys", "aws:SourceIp", ""])
    if rng.random() < 0.3:
        default = rng.choice(["main", "", "x*y", "repo:acme/app:ref:refs/heads/main", "true"])
        sep = rng.choice([", ", ", ", ",", " , "])
        inner = f"{key}{sep}'{default}'"
    else:
        inner = key
    before = rng.choice(["", "", "repo:", "x-"])
    after = rng.choice(["", "", ":*", "*", "-y"])
    return f"{before}${{{inner}}}{after}"


# ---------------------------------------------------------------------------
# Tokens

def gen_token(rng):
    iss = rng.choice(PROVIDERS)[0]
    exposed = exposed_for(iss)
    claims = {"iss": iss}
    def val():
        r = rng.random()
        if r < 0.06:
            return rng.randrange(-5, 200)
        if r < 0.09:
            return rng.choice([True, False])
        return rng.choice(VALUES)
    if rng.random() < 0.9:
        claims["sub"] = val()
    r = rng.random()
    if r < 0.45:
        claims["aud"] = rng.choice(["sts.amazonaws.com", "aws.workload.identity", "client-1", val()])
    elif r < 0.6:
        claims["aud"] = [rng.choice(["sts.amazonaws.com", "client-1", val()])]
    elif r < 0.85:
        claims["aud"] = rng.sample(["sts.amazonaws.com", "client-1", "client-2", "https://github.com/acme",
                                    "STS.amazonaws.com", "a*b", "é"], rng.randrange(2, 4))
    elif r < 0.9:
        claims["aud"] = []
    if rng.random() < 0.3:
        claims["azp"] = rng.choice(["client-1", "client-2", val()])
    if rng.random() < 0.3:
        claims["amr"] = rng.choice([["authenticated"], ["unauthenticated"],
                                    ["authenticated", "cognito-identity.amazonaws.com", "graph.facebook.com"],
                                    "pwd", ["pwd", "mfa"], []])
    if rng.random() < 0.3:
        claims["email"] = rng.choice(["user@example.com", "USER@EXAMPLE.COM", val()])
    for c in GITHUB_EXTRA:
        if rng.random() < 0.3:
            claims[c] = val()
    for c in ["repository_owner", "custom", "Sub", "run_id"]:
        if rng.random() < 0.2:
            claims[c] = val()
    if rng.random() < 0.15:
        tags = {}
        for k in rng.sample(["Team", "Project", "cost-center", "env"], rng.randrange(1, 3)):
            tags[k] = [rng.choice(["Automation", "automation", "platform", "x*y", "", "prod"])]
        tag_claim = {"principal_tags": tags}
        if rng.random() < 0.6:
            tag_claim["transitive_tag_keys"] = rng.sample(list(tags), rng.randrange(1, len(tags) + 1))
        claims[TAGS_CLAIM] = tag_claim
    now = 1717243200
    if rng.random() < 0.7:
        claims["iat"] = now - 60
        claims["nbf"] = now - 60
        claims["exp"] = now + 600
    return claims, now


def iam_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return v
    return None


def context_for(claims):
    """The request context IAM builds from the token (our mapping, SEMANTICS.md)."""
    iss = claims.get("iss", "")
    prefix = key_prefix(iss)
    ctx = {}
    for key_claim, sources in exposed_for(iss).items():
        value = None
        for s in sources:
            if s in claims and claims[s] is not None:
                value = claims[s]
                break
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, list):
            texts = [t for t in (iam_text(e) for e in value) if t is not None]
            if len(texts) == 1 and len(value) == 1 and key_claim not in SET_KEYS:
                ctx[f"{prefix}:{key_claim}"] = texts[0]
            else:
                ctx[f"{prefix}:{key_claim}"] = texts
        else:
            ctx[f"{prefix}:{key_claim}"] = iam_text(value)
    tags = claims.get(TAGS_CLAIM)
    actions = ["sts:AssumeRoleWithWebIdentity"]
    if tags is not None:
        actions.append("sts:TagSession")
        principal_tags = tags.get("principal_tags", {}) if isinstance(tags, dict) else {}
        for k, v in principal_tags.items():
            if isinstance(v, list) and len(v) == 1:
                ctx[f"aws:RequestTag/{k}"] = iam_text(v[0])
            elif isinstance(v, str):
                ctx[f"aws:RequestTag/{k}"] = v
        if principal_tags:
            ctx["aws:TagKeys"] = list(principal_tags)
        if isinstance(tags, dict) and "transitive_tag_keys" in tags:
            ctx["sts:TransitiveTagKeys"] = list(tags["transitive_tag_keys"])
    return ctx, principal_for(iss), actions


# ---------------------------------------------------------------------------
# Policies

STRING_OPS = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
              "StringLike", "StringNotLike"]
NUMERIC_OPS = ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
               "NumericGreaterThan", "NumericGreaterThanEquals"]
DATE_OPS = ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
            "DateGreaterThanEquals"]
ACTIONS = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity", "sts:*", "*", "sts:AssumeRole*",
           "STS:assumerolewithwebidentity", "sts:AssumeRoleWith?ebIdentity", "sts:TagSession", "s3:GetObject",
           "sts:AssumeRole", "sts:*Web*", "sts:Tag*", "sts:AssumeRoleWithSAML", "sts:assumerolewithwebidentit?",
           "st?:AssumeRoleWithWebIdentity", "*:*", "s*:TagSession", "STS:TAGSESSION", "sts:", "sts:*Session"]


def gen_operator(rng):
    r = rng.random()
    if r < 0.62:
        base = rng.choice(STRING_OPS)
    elif r < 0.7:
        base = "Null"
    elif r < 0.77:
        base = "Bool"
    elif r < 0.88:
        base = rng.choice(NUMERIC_OPS)
    else:
        base = rng.choice(DATE_OPS)
    prefix = ""
    if base not in ("Null",) and rng.random() < 0.3:
        prefix = rng.choice(["ForAnyValue:", "ForAllValues:"])
    elif base == "Null" and rng.random() < 0.1:
        prefix = rng.choice(["ForAnyValue:", "ForAllValues:"])
    suffix = "IfExists" if base != "Null" and rng.random() < 0.25 else ""
    name = prefix + base + suffix
    if rng.random() < 0.05:
        name = rand_case(rng, name)
    return base, name


def base_of(op_name):
    base = op_name.split(":")[-1]
    if base.lower().endswith("ifexists"):
        base = base[:-len("ifexists")]
    for b in STRING_OPS + NUMERIC_OPS + DATE_OPS + ["Bool", "Null"]:
        if b.lower() == base.lower():
            return b
    return base


def gen_key(rng, claims_iss):
    prefix = key_prefix(claims_iss)
    other = rng.choice(["token.actions.githubusercontent.com", "accounts.google.com", "app.terraform.io",
                        "cognito-identity.amazonaws.com", "oidc.eks.us-east-1.amazonaws.com/id/OTHER"])
    r = rng.random()
    if r < 0.75:
        p = prefix
    elif r < 0.85:
        p = other
    else:
        return rng.choice(["aws:RequestTag/Team", "aws:requesttag/project", "aws:RequestTag/COST-CENTER",
                           "aws:TagKeys", "sts:TransitiveTagKeys", "aws:SourceIp", "sts:ExternalId"])
    claim = rng.choice(["aud", "aud", "sub", "sub", "sub", "azp", "amr", "email", "oaud", "actor", "repository",
                        "ref", "job_workflow_ref", "repository_id", "workflow", "environment", "custom",
                        "repository_owner", "app_id"])
    key = f"{p}:{claim}"
    if rng.random() < 0.2:
        key = rand_case(rng, key)
    return key


def gen_values(rng, base, key, ctx, prefixes, claims_list):
    current = None
    for k, v in ctx.items():
        if k.lower() == key.lower():
            current = v
    samples = []
    if isinstance(current, list):
        samples = current or [""]
    elif current is not None:
        samples = [current]
    n = rng.choice([1, 1, 1, 2, 3])
    out = []
    for _ in range(n):
        src = rng.choice(samples) if samples and rng.random() < 0.8 else rng.choice(VALUES)
        if base == "Null":
            out.append(rng.choice(["true", "false", "True"]))
        elif base == "Bool":
            out.append(rng.choice(["true", "false", "TRUE", "False"]) if rng.random() < 0.9
                       else variable_value(rng, prefixes, claims_list))
        elif base.startswith("Numeric"):
            out.append(rng.choice(["0", "5", "10", "-3", "2.5", "10.0", "74", "100", "7"]))
        elif base.startswith("Date"):
            out.append(rng.choice(DATE_VALUES[:-1]))
        else:
            r = rng.random()
            if r < 0.1:
                out.append(variable_value(rng, prefixes, claims_list))
            elif "Like" in base:
                out.append(like_pattern(rng, src))
            elif "IgnoreCase" in base and rng.random() < 0.5:
                out.append(flip_case(src))
            elif r < 0.15:
                out.append(src.replace("*", "${*}").replace("?", "${?}") + rng.choice(["", "*", "${*}"]))
            else:
                out.append(src)
    if rng.random() < 0.05 and base not in ("Null",):
        out = [json.loads(v) if re.fullmatch(r"-?(0|[1-9]\d*)", v) else v for v in out]
    return out[0] if len(out) == 1 and rng.random() < 0.6 else out


def gen_principal(rng, iss):
    own = principal_for(iss)
    others = [f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
              f"arn:aws:iam::{ACCOUNT}:oidc-provider/app.terraform.io", "cognito-identity.amazonaws.com",
              "accounts.google.com", "www.amazon.com", "graph.facebook.com", "Accounts.Google.com",
              f"arn:aws:iam::{ACCOUNT}:oidc-provider/{rand_case(rng, key_prefix(iss))}",
              f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"]
    r = rng.random()
    if r < 0.02:
        fed = []
    elif r < 0.6:
        fed = own
    elif r < 0.75:
        fed = rng.sample([own] + others, rng.randrange(1, 4))
    elif r < 0.85:
        fed = rng.choice(others)
    else:
        account = rng.choice(["999988887777", "999988887777", ACCOUNT])
        return rng.choice(["*", {"AWS": "*"}, {"AWS": ["*"]}, {"AWS": f"arn:aws:iam::{account}:root"},
                           {"AWS": account}, {"Service": "ec2.amazonaws.com"},
                           {"Federated": own, "AWS": f"arn:aws:iam::{account}:root"}])
    return {"Federated": fed}


def gen_simple_policy(rng, claims, ctx):
    """One Allow (or Deny next to an allow-all) statement for the token's provider with one
    condition on one key: every operator and key shape in isolation."""
    iss = claims.get("iss", "")
    prefixes = [key_prefix(iss), "token.actions.githubusercontent.com"]
    claims_list = ["sub", "aud", "azp", "amr", "email", "actor", "repository", "ref", "oaud"]
    base, name = gen_operator(rng)
    key = gen_key(rng, iss)
    cond = [(name, [(key, gen_values(rng, base, key, ctx, prefixes, claims_list))])]
    effect = "Allow" if rng.random() < 0.7 else "Deny"
    actions = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    statements = [[("Effect", effect), ("Principal", {"Federated": principal_for(iss)}), ("Action", actions),
                   ("Condition", cond)]]
    if effect == "Deny":
        statements.append([("Effect", "Allow"), ("Principal", {"Federated": principal_for(iss)}),
                           ("Action", actions)])
    return write_pairs([("Version", "2012-10-17"), ("Statement", statements)])


def gen_policy(rng, claims, ctx):
    """Returns (policy text, policy object as IAM reads it: last duplicate wins)."""
    if SIMPLE:
        return gen_simple_policy(rng, claims, ctx)
    iss = claims.get("iss", "")
    prefixes = [key_prefix(iss), "token.actions.githubusercontent.com", "accounts.google.com"]
    claims_list = ["sub", "aud", "azp", "amr", "email", "actor", "repository", "ref", "oaud"]
    r = rng.random()
    version = "2012-10-17" if r < 0.8 else ("2008-10-17" if r < 0.9 else None)
    statements = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        st = []  # list of (key, value) pairs so duplicates can be written
        if rng.random() < 0.3:
            st.append(("Sid", rng.choice(["Allow1", "DenyFork", "S3"])))
        st.append(("Effect", "Allow" if rng.random() < 0.75 else "Deny"))
        st.append(("Principal", gen_principal(rng, iss)))
        actions = rng.sample(ACTIONS, rng.choice([1, 1, 2])) if rng.random() < 0.9 else ACTIONS[0]
        if isinstance(actions, list) and len(actions) == 1 and rng.random() < 0.5:
            actions = actions[0]
        st.append(("NotAction" if rng.random() < 0.1 else "Action", actions))
        if rng.random() < 0.03:
            st.append(("Condition", {}))
        elif rng.random() < 0.9:
            cond = []
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                base, name = gen_operator(rng)
                block = []
                for _ in range(rng.choice([1, 1, 2])):
                    key = gen_key(rng, iss)
                    block.append((key, gen_values(rng, base, key, ctx, prefixes, claims_list)))
                    if rng.random() < 0.04:  # a duplicate key: IAM keeps the last one
                        block.append((key, gen_values(rng, base, key, ctx, prefixes, claims_list)))
                cond.append((name, block))
            if rng.random() < 0.05 and cond:  # a duplicate operator: IAM keeps the last one
                base, name = gen_operator(rng)
                key = gen_key(rng, iss)
                cond.append((cond[0][0], [(key, gen_values(rng, base, key, ctx, prefixes, claims_list))]))
                cond[-1] = (cond[0][0], cond[-1][1]) if base_of(cond[0][0]) == base else cond[0]
            st.append(("Condition", cond))
        statements.append(st)
    doc = []
    if version:
        doc.append(("Version", version))
    stmt_value = statements if (len(statements) > 1 or rng.random() < 0.7) else statements[0]
    doc.append(("Statement", stmt_value))
    return write_pairs(doc)


def write_pairs(node):
    """Serialises nested (key, value) pair lists, keeping duplicate keys."""
    if isinstance(node, list) and node and all(isinstance(e, tuple) for e in node):
        return "{" + ", ".join(json.dumps(k) + ": " + write_pairs(v) for k, v in node) + "}"
    if isinstance(node, list) and node and isinstance(node[0], list):
        return "[" + ", ".join(write_pairs(e) for e in node) + "]"
    if isinstance(node, list) and not node:
        return "[]"
    if isinstance(node, list):
        return "[" + ", ".join(write_pairs(e) for e in node) + "]"
    return json.dumps(node, ensure_ascii=False)


# ---------------------------------------------------------------------------
# Where the simulator departs from the AWS documentation (never compared).

LINE_TERMINATORS = "\n\r\u2028\u2029"
ESCAPES = ("${*}", "${?}", "${$}")


def has_wildcard(v):
    return "*" in v.replace("${*}", "") or "?" in v.replace("${?}", "")


def ctx_get(ctx, key):
    for k, v in ctx.items():
        if k.lower() == key.lower():
            return v
    return None


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def variable_keys(v):
    return [m.split(", ")[0].strip() for m in re.findall(r"\$\{(.*?)\}", v) if m not in ("*", "?", "$")]


ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?)?")
JS_DATE_PARSES = {}  # string -> bool: Date.parse accepts it (filled by js_date_parse)


def js_date_parse(strings):
    todo = sorted({s for s in strings if s not in JS_DATE_PARSES})
    if not todo:
        return
    p = subprocess.run(["node", "-e", "const a=JSON.parse(require('fs').readFileSync(0,'utf8'));"
                        "console.log(JSON.stringify(a.map(s=>!isNaN(Date.parse(s)))))"],
                       input=json.dumps(todo), capture_output=True, text=True)
    for s, ok in zip(todo, json.loads(p.stdout)):
        JS_DATE_PARSES[s] = ok


def date_kind(s):
    """How the simulator reads a date: epoch (a canonical integer), iso (what the engine reads
    too), lenient (only JavaScript's Date.parse reads it), invalid (nobody does)."""
    if re.fullmatch(r"-?\d+", s):
        return "epoch" if str(int(s)) == s else "lenient"
    if ISO_RE.fullmatch(s):
        return "iso"
    return "lenient" if JS_DATE_PARSES.get(s) else "invalid"
CLEAN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def exclusion(policy, ctx):
    """The documented-divergence class a case belongs to, or None."""
    version = policy.get("Version")
    statements = policy.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    for st in statements:
        principal = st.get("Principal")
        if isinstance(principal, dict):
            aws = [a for a in as_list(principal.get("AWS")) if a != "*"]
            if any(ACCOUNT in a for a in aws):
                # The simulator's request principal is the provider ARN, so an AWS account
                # principal of that account matches it at account level; a web identity is no
                # principal of the account.
                return "aws-account-principal"
        for op_name, block in (st.get("Condition") or {}).items():
            lname = op_name.lower()
            base = lname.split(":")[-1]
            if base.endswith("ifexists"):
                base = base[:-len("ifexists")]
            if lname.startswith(("forallvalues:null", "foranyvalue:null")):
                return "set-operator-null"
            for key, values in block.items():
                values = [v if isinstance(v, str) else json.dumps(v) for v in as_list(values)]
                current = [c for c in as_list(ctx_get(ctx, key)) if isinstance(c, str)]
                var_values = []
                for v in values:
                    for k in variable_keys(v):
                        var_values += [c for c in as_list(ctx_get(ctx, k)) if isinstance(c, str)]
                seen = current + var_values
                if version != "2012-10-17" and any("${" in v for v in values):
                    return "variables-outside-2012-10-17"
                if base in ("stringlike", "stringnotlike") and any(has_wildcard(v) for v in values):
                    if any(ch in LINE_TERMINATORS for c in seen for ch in c):
                        return "wildcard-vs-newline"
                    if any("?" in v.replace("${?}", "") for v in values) and any(ord(ch) > 0xFFFF for c in seen for ch in c):
                        return "question-mark-vs-utf16"
                if base in ("stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase",
                            "bool") and any(e in v for v in values for e in ESCAPES):
                    return "predefined-escape-outside-like"
                if "ignorecase" in base and any(ord(ch) > 0x7F for c in values + seen for ch in c):
                    return "ignorecase-non-ascii"
                if base.startswith("date"):
                    kinds = {date_kind(x) for x in values + current}
                    if "lenient" in kinds:
                        return "date-lenient-parse"
                    if {"epoch", "iso"} <= kinds:
                        return "date-epoch-vs-iso"
                if base.startswith("numeric"):
                    for c in current:
                        if not CLEAN_NUMBER.fullmatch(c) and re.match(r"\s*[+-]?\.?\d", c):
                            return "numeric-lenient-parse"
    return None


# ---------------------------------------------------------------------------
# Running both sides

def combine(results):
    if any(r.startswith("Error") for r in results):
        return "Error"
    if "ExplicitlyDenied" in results:
        return "ExplicitlyDenied"
    if all(r == "Allowed" for r in results):
        return "Allowed"
    return "ImplicitlyDenied"


def engine_answer(trust):
    if trust["decision"] == "accept":
        return "Allowed"
    return {"explicit deny": "ExplicitlyDenied", "implicit deny": "ImplicitlyDenied"}.get(trust["outcome"],
                                                                                          trust["outcome"])


def run(args):
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="difftest-")
    cases = []
    groups = []
    total = 0
    while total < args.cases:
        claims, now = gen_token(rng)
        ctx, principal, actions = context_for(claims)
        gdir = os.path.join(work, f"g{len(groups):05d}")
        os.makedirs(gdir)
        token_path = os.path.join(gdir, "token.claims")
        with open(token_path, "w") as f:
            json.dump(claims, f, ensure_ascii=False)
        members = []
        for j in range(min(args.per_token, args.cases - total)):
            text = gen_policy(rng, claims, ctx)
            path = os.path.join(gdir, f"p{j:03d}.json")
            with open(path, "w") as f:
                f.write(text)
            policy = json.loads(text)
            cases.append({"path": path, "policy": policy, "text": text, "claims": claims, "context": ctx,
                          "principal": principal, "actions": actions, "at": now,
                          "excluded": exclusion(policy, ctx)})
            members.append(len(cases) - 1)
            total += 1
        groups.append((gdir, token_path, now, members))

    js_date_parse({c for case in cases for v in case["context"].values() for c in as_list(v) if isinstance(c, str)})
    for c in cases:
        c["excluded"] = exclusion(c["policy"], c["context"])

    # The simulator, all cases in one process.
    lines = "".join(json.dumps({"policy": c["policy"], "context": c["context"], "principal": c["principal"],
                                "actions": c["actions"]}, ensure_ascii=False) + "\n" for c in cases)
    env = dict(os.environ, TZ="UTC")
    if not env.get("IAM_SIMULATE_DIR"):
        sys.exit("set IAM_SIMULATE_DIR to the folder where @cloud-copilot/iam-simulate is installed")
    proc = subprocess.run(["node", os.path.join(HERE, "driver.mjs")], input=lines, capture_output=True,
                          text=True, env=env)
    answers = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    if len(answers) != len(cases):
        sys.exit(f"driver returned {len(answers)} answers for {len(cases)} cases: {proc.stderr[:2000]}")
    for c, a in zip(cases, answers):
        c["oracle_raw"] = a
        c["oracle"] = combine(a)

    # The engine, one process per token.
    for gdir, token_path, now, members in groups:
        p = subprocess.run([args.binary, "eval", "--format", "json", "--token", token_path, "--at", str(now), gdir],
                           capture_output=True, text=True)
        by_path = {}
        if p.stdout.strip():
            for t in json.loads(p.stdout)["trusts"]:
                by_path[t["source"]] = t
        errors = p.stderr
        for i in members:
            c = cases[i]
            t = by_path.get(c["path"])
            if t is None:
                msg = [l for l in errors.splitlines() if c["path"] in l]
                c["engine"] = "Malformed"
                c["engine_detail"] = msg[0] if msg else errors[:300]
            else:
                c["engine"] = engine_answer(t)
                c["engine_detail"] = t["reasons"]

    stats = Counter()
    excluded = Counter()
    mismatches = []
    for c in cases:
        if c["excluded"]:
            excluded[c["excluded"]] += 1
            continue
        if c["oracle"] == "Error" and c["engine"] == "Malformed":
            stats["both-refuse"] += 1
            continue
        stats["compared"] += 1
        stats[c["oracle"]] += 1
        if c["oracle"] != c["engine"]:
            mismatches.append(c)
    print(f"cases {len(cases)}; compared {stats['compared']} (Allowed {stats['Allowed']}, "
          f"ExplicitlyDenied {stats['ExplicitlyDenied']}, ImplicitlyDenied {stats['ImplicitlyDenied']}); "
          f"both refuse {stats['both-refuse']}; disagreements {len(mismatches)}")
    for k, v in sorted(excluded.items()):
        print(f"  excluded {k}: {v}")
    if mismatches:
        kinds = Counter((m["oracle"], m["engine"]) for m in mismatches)
        for k, v in kinds.most_common():
            print(f"  oracle {k[0]} vs engine {k[1]}: {v}")
        out = args.keep or os.path.join(tempfile.gettempdir(), "difftest-mismatches.jsonl")
        with open(out, "w") as f:
            for m in mismatches:
                f.write(json.dumps({k: m[k] for k in ("text", "claims", "context", "principal", "actions",
                                                      "oracle_raw", "oracle", "engine", "engine_detail")},
                                   ensure_ascii=False) + "\n")
        print(f"  written to {out}")
    shutil.rmtree(work)
    return 1 if mismatches else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-token", type=int, default=25)
    ap.add_argument("--binary", default=os.path.join(REPO, "build", "trustcheck"))
    ap.add_argument("--keep", default=None, help="where to write the disagreeing cases (JSON lines)")
    ap.add_argument("--simple", action="store_true", help="one statement with one condition per policy")
    args = ap.parse_args()
    global SIMPLE
    SIMPLE = args.simple
    sys.exit(run(args))


if __name__ == "__main__":
    main()
