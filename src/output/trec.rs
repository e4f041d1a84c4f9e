//! TREC run output: `qid Q0 article_id rank score zoek`, one ranked article per line, ready
//! for `trec_eval` and `zoek eval`'s own reader.

use std::io::{self, Write};

use crate::eval::trec_line;
use crate::search::RankedArticle;

/// Prints one run line per ranked article of query `qid`.
pub fn print_run(out: &mut impl Write, qid: &str, articles: &[RankedArticle]) -> io::Result<()> {
    for article in articles {
        writeln!(
            out,
            "{}",
            trec_line(qid, &article.article_id, article.rank, article.score)
        )?;
    }
    Ok(())
}
