// BM_TerraformFolder/<N>: LoadPaths() of one Terraform module folder of N
// `.tf` files (one role each, sharing variables and locals across files),
// from disk. Each file is part of the folder's module, so a load that read
// the siblings once per file grew as N²; the folder is now read once per
// run. Compare the rows side by side: time per file should stay flat as N
// grows (items per second).

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "trustcheck/load.h"

namespace trustcheck::bench {
namespace {

namespace fs = std::filesystem;

// A folder of `n` files under the system's temporary folder, written once.
std::string Folder(size_t n) {
  fs::path dir = fs::temp_directory_path() / fmt::format("trustcheck-bench-tf-{}-{}", ::getpid(), n);
  if (fs::exists(dir / "variables.tf")) return dir.string();
  fs::create_directories(dir);
  std::ofstream(dir / "variables.tf") << "variable \"org\" { default = \"acme\" }\n"
                                         "locals { provider = \"token.actions.githubusercontent.com\" }\n";
  for (size_t i = 0; i < n; ++i) {
    std::ofstream(dir / fmt::format("role{}.tf", i)) << fmt::format(
        R"(resource "aws_iam_role" "r{0}" {{
  name = "r{0}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = {{ Federated = "arn:aws:iam::123456789012:oidc-provider/${{local.provider}}" }},
      Condition = {{ StringLike = {{ "${{local.provider}}:sub" = "repo:${{var.org}}/app{0}:ref:refs/heads/main" }} }} }}]
  }})
}}
)",
        i);
  }
  return dir.string();
}

void BM_TerraformFolder(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string dir = Folder(n);
  LoadOptions options;
  options.threads = 1;  // one core: the ratio between rows is the point
  for (auto _ : state) {
    auto loaded = LoadPaths({dir}, options);
    if (!loaded.ok() || loaded->files.size() != n + 1) {
      state.SkipWithError("the folder did not load");
      return;
    }
    benchmark::DoNotOptimize(loaded);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

BENCHMARK(BM_TerraformFolder)->Arg(250)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace trustcheck::bench
