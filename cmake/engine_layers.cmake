# The engine's layers: each is a static library of the files listed here,
# and may include only its own headers and those of the layers it depends
# on, in the direction of the data flow (docs/architecture.md):
#
#   core <- cel, hcl <- formats <- analysis, ci;  core <- index
#
# This file is read by CMakeLists.txt (one library per layer) and by
# cmake/check_layers.cmake (run on every build: an #include against the
# direction fails the build). A new file joins its layer's list here;
# configuring fails for a file under engine/ that no layer lists.
set(TRUSTCHECK_LAYERS core cel hcl formats analysis index ci)

# core: the AST, locations and errors, interned strings, the matcher, claims, the evaluator and its explanations.
set(TRUSTCHECK_LAYER_core_DEPENDS)
set(TRUSTCHECK_LAYER_core_SOURCES
  engine/src/ast.cc
  engine/src/claims.cc
  engine/src/evaluate.cc
  engine/src/evaluate_values.cc
  engine/src/explain.cc
  engine/src/interned_string.cc
  engine/src/issuers.cc
  engine/src/jwks.cc
  engine/src/pattern.cc
  engine/src/read.cc
  engine/src/source_text.cc
  engine/src/status.cc
  engine/src/value_text.cc
)
set(TRUSTCHECK_LAYER_core_HEADERS
  engine/src/evaluate_values.h
  engine/src/explain.h
  engine/src/source_text.h
  engine/src/text/ascii.h
  engine/src/text/json_pointer.h
  engine/src/text/utf8.h
  engine/src/value_text.h
  engine/include/trustcheck/ast.h
  engine/include/trustcheck/aws_facts.h
  engine/include/trustcheck/claims.h
  engine/include/trustcheck/evaluate.h
  engine/include/trustcheck/interned_string.h
  engine/include/trustcheck/issuers.h
  engine/include/trustcheck/jwks.h
  engine/include/trustcheck/parallel.h
  engine/include/trustcheck/pattern.h
  engine/include/trustcheck/read.h
  engine/include/trustcheck/status.h
  engine/include/trustcheck/wording.h
)

# cel: the CEL subset: parser, evaluator, the kExpr payload of GCP trusts.
set(TRUSTCHECK_LAYER_cel_DEPENDS core)
set(TRUSTCHECK_LAYER_cel_SOURCES
  engine/src/cel/eval.cc
  engine/src/cel/parser.cc
  engine/src/cel/trust_expr.cc
  engine/src/cel/value.cc
)
set(TRUSTCHECK_LAYER_cel_HEADERS
  engine/src/cel/cel.h
  engine/src/cel/internal.h
  engine/src/cel/trust_expr.h
)

# hcl: HCL: lexer, parser, expressions and the function library (Terraform).
set(TRUSTCHECK_LAYER_hcl_DEPENDS core)
set(TRUSTCHECK_LAYER_hcl_SOURCES
  engine/src/hcl/eval.cc
  engine/src/hcl/functions.cc
  engine/src/hcl/lexer.cc
  engine/src/hcl/parser.cc
  engine/src/hcl/value.cc
)
set(TRUSTCHECK_LAYER_hcl_HEADERS
  engine/src/hcl/eval_context.h
  engine/src/hcl/hcl.h
  engine/src/hcl/lexer.h
)

# formats: the parsers that lower every input format into the AST, the loader, git revisions.
set(TRUSTCHECK_LAYER_formats_DEPENDS core cel hcl)
set(TRUSTCHECK_LAYER_formats_SOURCES
  engine/src/aws/condition_keys.cc
  engine/src/formats/aws_dumps.cc
  engine/src/formats/aws_oidc_provider.cc
  engine/src/formats/aws_policy.cc
  engine/src/formats/aws_policy_format.cc
  engine/src/formats/azure_template.cc
  engine/src/formats/azure_template_format.cc
  engine/src/formats/cloudformation.cc
  engine/src/formats/cloudformation_template.cc
  engine/src/formats/embedded_json.cc
  engine/src/formats/entra_credential.cc
  engine/src/formats/entra_expression.cc
  engine/src/formats/gcp_condition.cc
  engine/src/formats/gcp_provider.cc
  engine/src/formats/registry.cc
  engine/src/formats/scalar_trace.cc
  engine/src/formats/template_json.cc
  engine/src/formats/terraform.cc
  engine/src/formats/terraform_folder.cc
  engine/src/formats/terraform_plan.cc
  engine/src/formats/terraform_resources.cc
  engine/src/formats/unresolved_notes.cc
  engine/src/formats/value_tree.cc
  engine/src/formats/vault_role.cc
  engine/src/formats/vault_role_format.cc
  engine/src/formats/yaml_tree.cc
  engine/src/git.cc
  engine/src/load.cc
)
set(TRUSTCHECK_LAYER_formats_HEADERS
  engine/src/aws/condition_keys.h
  engine/src/formats/aws_oidc_provider.h
  engine/src/formats/aws_policy.h
  engine/src/formats/azure_template.h
  engine/src/formats/cloudformation_template.h
  engine/src/formats/embedded_json.h
  engine/src/formats/entra_credential.h
  engine/src/formats/entra_expression.h
  engine/src/formats/format.h
  engine/src/formats/gcp_condition.h
  engine/src/formats/gcp_provider.h
  engine/src/formats/scalar_trace.h
  engine/src/formats/template_json.h
  engine/src/formats/terraform_folder.h
  engine/src/formats/terraform_resources.h
  engine/src/formats/tree_locator.h
  engine/src/formats/unresolved_notes.h
  engine/src/formats/value_tree.h
  engine/src/formats/vault_role.h
  engine/src/formats/yaml_tree.h
  engine/include/trustcheck/git.h
  engine/include/trustcheck/load.h
)

# analysis: what a trust lets in: the analysis space, exposure, diff.
set(TRUSTCHECK_LAYER_analysis_DEPENDS core cel formats)
set(TRUSTCHECK_LAYER_analysis_SOURCES
  engine/src/analysis/analysis.cc
  engine/src/analysis/cel_reads.cc
  engine/src/analysis/glob_space.cc
  engine/src/analysis/readable.cc
  engine/src/analysis/space.cc
  engine/src/analysis/values.cc
  engine/src/diff.cc
  engine/src/exposure/exposure.cc
  engine/src/exposure/facts_doc.cc
  engine/src/exposure/token_models.cc
)
set(TRUSTCHECK_LAYER_analysis_HEADERS
  engine/src/analysis/cel_reads.h
  engine/src/analysis/glob_space.h
  engine/src/analysis/readable.h
  engine/src/analysis/space.h
  engine/src/exposure/token_models.h
  engine/include/trustcheck/analysis.h
  engine/include/trustcheck/diff.h
  engine/include/trustcheck/exposure.h
)

# index: the token index over many trusts, batch evaluation.
set(TRUSTCHECK_LAYER_index_DEPENDS core)
set(TRUSTCHECK_LAYER_index_SOURCES
  engine/src/batch.cc
  engine/src/index/key_table.cc
  engine/src/index/necessary.cc
  engine/src/index/trust_index.cc
)
set(TRUSTCHECK_LAYER_index_HEADERS
  engine/src/index/key_table.h
  engine/src/index/necessary.h
  engine/include/trustcheck/batch.h
  engine/include/trustcheck/index.h
)

# ci: CI workflow readers and the join of minted tokens with trusts.
set(TRUSTCHECK_LAYER_ci_DEPENDS core formats)
set(TRUSTCHECK_LAYER_ci_SOURCES
  engine/src/ci/ci.cc
  engine/src/ci/ci_yaml.cc
  engine/src/ci/expressions.cc
  engine/src/ci/github_actions.cc
  engine/src/ci/gitlab_ci.cc
  engine/src/ci/join.cc
  engine/src/ci/ref_filter.cc
)
set(TRUSTCHECK_LAYER_ci_HEADERS
  engine/src/ci/ci_yaml.h
  engine/src/ci/expressions.h
  engine/src/ci/readers.h
  engine/include/trustcheck/ci.h
)
