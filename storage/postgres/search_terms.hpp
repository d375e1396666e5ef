// The search column's tsvector and the search command's tsquery, made by the
// crawler rather than by PostgreSQL's to_tsvector. A fleet shares one
// database server and brings as many crawler machines as it likes: work
// done per page belongs on the crawlers. Computing the vector in SQL cost
// the server about 70 µs of CPU per page, a quarter of its whole share of a
// batch (bench/scale_out); parsing the literal costs it about 15.
//
// Words are what SQLite's unicode61 tokenizer takes them to be: runs of
// letters and digits, lowercased, every other character a separator (so
// "example.com" is two words, on both backends). Queries are split the same
// way, so a query word and a page word compare as the same lexeme.
#pragma once

#include <string>
#include <string_view>

namespace crawler::storage::pg {

/// The tsvector literal of a page: title words weigh A, text words B, with
/// positions counted from the title's first word on. Text counts up to
/// 200,000 bytes; a word of more than 255 bytes is left out (a tsvector holds
/// at most 1 MB, words of at most 2 KB).
std::string search_vector_literal(std::string_view title, std::string_view text);
/// The same vector in tsvector's binary form, for a binary parameter: the
/// server then takes it without parsing text (pg_write_replay: that parse
/// was 9 % of a writer's backend CPU).
std::string search_vector_binary(std::string_view title, std::string_view text);

/// A tsquery literal for `query` in web-search syntax, as
/// websearch_to_tsquery reads it: words must all match; "quoted words"
/// match as a phrase (as does a word the tokenizer splits, like
/// "example.com"); `or` between two terms matches either; a leading '-'
/// excludes a term. Empty if the query names no word.
std::string search_query_literal(std::string_view query);

}  // namespace crawler::storage::pg
