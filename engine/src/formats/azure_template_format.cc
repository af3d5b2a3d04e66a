// Formats "arm-template" (ARM JSON deployment templates), "bicep" (Bicep
// source) and "bicepparam" (a Bicep parameter file: the deployment of the
// template it uses): the federated identity credentials they declare
// (azure_template.h).

#include "formats/azure_template.h"
#include "formats/format.h"

namespace trustcheck {

namespace {

class ArmTemplate : public Format {
 public:
  const char* name() const override { return "arm-template"; }
  int Detect(const InputFile& in) const override {
    const Json::Value* v = in.json();
    return v && azure::LooksLikeArmTemplate(*v) ? 60 : 0;
  }
  Status Load(const InputFile& in, LoadedFile* out) const override { return azure::LoadArmTemplate(in, out); }
};

class Bicep : public Format {
 public:
  const char* name() const override { return "bicep"; }
  int Detect(const InputFile& in) const override { return in.extension() == ".bicep" ? 90 : 0; }
  Status Load(const InputFile& in, LoadedFile* out) const override { return azure::LoadBicep(in, out); }
};

class BicepParams : public Format {
 public:
  const char* name() const override { return "bicepparam"; }
  int Detect(const InputFile& in) const override { return in.extension() == ".bicepparam" ? 90 : 0; }
  Status Load(const InputFile& in, LoadedFile* out) const override { return azure::LoadBicepParams(in, out); }
};

}  // namespace

const Format* BicepParamsFormat() {
  static const BicepParams kFormat;
  return &kFormat;
}

const Format* ArmTemplateFormat() {
  static const ArmTemplate kFormat;
  return &kFormat;
}

const Format* BicepFormat() {
  static const Bicep kFormat;
  return &kFormat;
}

}  // namespace trustcheck
