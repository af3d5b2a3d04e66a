#!/usr/bin/env python3
"""Writes N single-role AWS trust policy files for the end-to-end `eval` timing.

The roles follow the mix of bench/synthetic_corpus.cc (GitHub Actions roles with
exact subjects, `repo:org/repo:*`, `repo:org/*`, lists and a Deny for pull
requests; GitLab, Terraform Cloud and EKS roles), pretty-printed as people check
them in. Also writes token.json, a GitHub Actions token for a repository the
corpus names, and context.json, the same token as AWS condition keys.

usage: make_roles.py OUT_DIR [N]     (default N: 20000)
"""
import json
import os
import sys

GITHUB = "token.actions.githubusercontent.com"


def mix(x):  # splitmix64, as in bench/synthetic_corpus.cc
    m = (1 << 64) - 1
    x = (x + 0x9E3779B97F4A7C15) & m
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & m
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & m
    return x ^ (x >> 31)


def statement(provider, conditions, effect="Allow", sid="Federated"):
    return {
        "Sid": sid,
        "Effect": effect,
        "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{provider}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": conditions,
    }


def role(i, n):
    orgs = max(4, n // 25)
    h = mix(i)
    org, repo = h % orgs, (h >> 32) % 8
    o, r = f"org{org}", f"repo{repo}"
    aud = {f"{GITHUB}:aud": "sts.amazonaws.com"}
    b = i % 100
    if i % 1000 == 999:
        st = [statement(GITHUB, {"StringEquals": aud})]
    elif b < 35 or b >= 99:
        branch = "release" if b >= 99 else "main"
        st = [statement(GITHUB, {"StringEquals": {**aud, f"{GITHUB}:sub": f"repo:{o}/{r}:ref:refs/heads/{branch}"}})]
    elif b < 45:
        st = [statement(GITHUB, {"StringEquals": {**aud, f"{GITHUB}:sub": f"repo:{o}/{r}:environment:prod"}})]
    elif b < 65:
        st = [statement(GITHUB, {"StringEquals": aud, "StringLike": {f"{GITHUB}:sub": f"repo:{o}/{r}:*"}})]
    elif b < 73:
        st = [statement(GITHUB, {"StringEquals": aud, "StringLike": {f"{GITHUB}:sub": f"repo:{o}/*"}})]
    elif b < 81:
        subs = [f"repo:{o}/{r}:ref:refs/heads/main", f"repo:{o}/repo{(repo + 1) % 8}:*",
                f"repo:{o}/repo{(repo + 2) % 8}:environment:*"]
        st = [statement(GITHUB, {"StringEquals": aud, "StringLike": {f"{GITHUB}:sub": subs}})]
    elif b < 86:
        st = [statement(GITHUB, {"StringEquals": aud, "StringLike": {f"{GITHUB}:sub": f"repo:{o}/*"}}),
              statement(GITHUB, {"StringLike": {f"{GITHUB}:sub": f"repo:{o}/*:pull_request"}}, "Deny", "NoPullRequests")]
    elif b < 90:
        st = [statement("gitlab.com", {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"},
                                       "StringLike": {"gitlab.com:sub": f"project_path:group{org}/proj{repo}:ref_type:branch:ref:*"}})]
    elif b < 93:
        st = [statement("app.terraform.io", {"StringEquals": {"app.terraform.io:aud": "aws.workload.identity"},
                                             "StringLike": {"app.terraform.io:sub": f"organization:{o}:project:*:workspace:ws{repo}:run_phase:*"}})]
    else:
        cluster = f"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE{org % 4}"
        st = [statement(cluster, {"StringEquals": {f"{cluster}:aud": "sts.amazonaws.com",
                                                   f"{cluster}:sub": f"system:serviceaccount:ns{repo}:{o}"}})]
    return {"Version": "2012-10-17", "Statement": st}


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    os.makedirs(os.path.join(out, "roles"), exist_ok=True)
    for i in range(n):
        with open(os.path.join(out, "roles", f"role-{i:07}.json"), "w") as f:
            json.dump(role(i, n), f, indent=2)
            f.write("\n")
    h = mix(0)
    org, repo = h % max(4, n // 25), (h >> 32) % 8
    sub = f"repo:org{org}/repo{repo}:ref:refs/heads/main"
    token = {"iss": f"https://{GITHUB}", "aud": "sts.amazonaws.com", "sub": sub,
             "repository": f"org{org}/repo{repo}", "repository_owner": f"org{org}", "ref": "refs/heads/main",
             "actor": "octocat", "event_name": "push", "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567}
    with open(os.path.join(out, "token.json"), "w") as f:
        json.dump(token, f, indent=2)
    # What IAM sees of that token: the provider's condition keys.
    context = {f"{GITHUB}:aud": token["aud"], f"{GITHUB}:sub": sub, f"{GITHUB}:actor": token["actor"]}
    with open(os.path.join(out, "context.json"), "w") as f:
        json.dump(context, f, indent=2)


if __name__ == "__main__":
    main()
