// SkipReason names: see skip_reason.hpp.
#include "crawler/admission/skip_reason.hpp"

namespace crawler {

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNone:
      return "none";
    case SkipReason::kOutOfScope:
      return "out_of_scope";
    case SkipReason::kExcluded:
      return "excluded";
    case SkipReason::kNotIncluded:
      return "not_included";
    case SkipReason::kUrlTooLong:
      return "url_too_long";
    case SkipReason::kRepeatedSegments:
      return "repeated_segments";
    case SkipReason::kPathTooDeep:
      return "path_too_deep";
    case SkipReason::kTooManyParams:
      return "too_many_params";
    case SkipReason::kHostBudget:
      return "host_budget";
    case SkipReason::kBadScheme:
      return "bad_scheme";
    case SkipReason::kUserinfo:
      return "userinfo";
    case SkipReason::kInternalAddress:
      return "internal_address";
    case SkipReason::kTooManyLinks:
      return "too_many_links";
    case SkipReason::kTooManyOrigins:
      return "too_many_origins";
    case SkipReason::kTooDeep:
      return "too_deep";
    case SkipReason::kSitemapEntries:
      return "sitemap_budget";
    case SkipReason::kSitemapDocuments:
      return "sitemap_document_budget";
  }
  return "none";
}

}  // namespace crawler
