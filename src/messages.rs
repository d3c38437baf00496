//! The frame around problems that come from below the binary (the engine's
//! scenario problems and input errors), in the chosen language. The engine
//! does not depend on the catalogue, so its detail is English; the CLI says
//! where (file, line, column) and what kind of problem in the user's
//! language, and translates the input errors it knows. In English every
//! line is what the engine prints.

use crate::output::lang;
use qilian_engine::input::{InputError, LIMIT_ENV};
use qilian_engine::scenario::Problem;
use qilian_i18n::{Lang, t};

/// One problem as a line: `文件 a.ron 第3行第5列：格式错误：…` or, in
/// English, `a.ron:3:5: …`.
pub fn problem(p: &Problem) -> String {
    problem_in(lang(), p)
}

fn problem_in(l: Lang, p: &Problem) -> String {
    let file = p.file.display();
    let detail = reason(l, &p.message);
    match p.at {
        Some((line, 0)) => t!(
            l,
            "cli.problem.line",
            file = file,
            line = line,
            detail = detail
        ),
        // A column: the RON parser's syntax or type error.
        Some((line, col)) => t!(
            l,
            "cli.problem.syntax",
            file = file,
            line = line,
            col = col,
            detail = detail
        ),
        None => t!(l, "cli.problem.file", file = file, detail = detail),
    }
}

/// Every problem, one a line.
pub fn problems(ps: &[Problem]) -> String {
    ps.iter().map(problem).collect::<Vec<_>>().join("\n")
}

/// An input file that cannot be read, `文件 a.ron：文件不存在`.
pub fn input(e: &InputError) -> String {
    t!(
        lang(),
        "cli.problem.file",
        file = e.path().display(),
        detail = reason(lang(), &e.reason())
    )
}

/// The engine's reason for an unreadable file, in Chinese when we know it
/// (the reasons of [`InputError::reason`]); anything else as it is.
fn reason(l: Lang, msg: &str) -> String {
    if l == Lang::En {
        return msg.to_string();
    }
    if msg == "no such file" {
        return t!(l, "cli.input.not_found");
    }
    if msg == "is a directory, not a file" {
        return t!(l, "cli.input.directory");
    }
    if let Some(kind) = msg
        .strip_prefix("not a regular file (")
        .and_then(|r| r.split_once(')'))
        .map(|x| x.0)
    {
        return t!(l, "cli.input.not_regular", kind = kind);
    }
    if msg.starts_with("larger than the input limit of ")
        && let Some(limit) = msg
            .trim_start_matches("larger than the input limit of ")
            .split(' ')
            .next()
    {
        return t!(l, "cli.input.too_large", limit = limit, var = LIMIT_ENV);
    }
    if let Some(at) = msg
        .strip_prefix("not UTF-8 text (invalid byte at offset ")
        .and_then(|r| r.strip_suffix(')'))
    {
        return t!(l, "cli.input.not_utf8", at = at);
    }
    msg.to_string()
}

/// Why `import osm` failed, framed like the other problems.
pub fn import_error(e: &qilian_osm::ImportError) -> String {
    match e {
        qilian_osm::ImportError::Input { file, message } => t!(
            lang(),
            "cli.problem.file",
            file = file.display(),
            detail = reason(lang(), message)
        ),
        qilian_osm::ImportError::Write { .. } => e.to_string(),
    }
}

/// A drill command's error: its template's problems and unreadable files
/// framed like the others; the rest (the drill's own checks) as written.
pub fn drill_error(e: &qilian_drill::DrillError) -> String {
    match e {
        qilian_drill::DrillError::Load(l) => problems(&l.problems),
        qilian_drill::DrillError::Io(file, why) => t!(
            lang(),
            "cli.problem.file",
            file = file.display(),
            detail = reason(lang(), why)
        ),
        _ => e.to_string(),
    }
}

/// What `import osm` kept and dropped, for standard error.
pub fn import_report(r: &qilian_osm::Report) -> String {
    let l = lang();
    let method = match r.zone_method {
        qilian_osm::ZoneMethod::File => t!(l, "cli.import.from_file"),
        qilian_osm::ZoneMethod::Places => t!(l, "cli.import.from_places"),
        qilian_osm::ZoneMethod::Grid => t!(l, "cli.import.from_grid"),
    };
    let kinds: Vec<String> = r
        .facilities
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let kinds = if kinds.is_empty() {
        t!(l, "cli.import.none")
    } else {
        kinds.join(", ")
    };
    [
        t!(
            l,
            "cli.import.read",
            nodes = r.osm_nodes,
            ways = r.ways,
            drivable = r.drivable_ways,
            excluded = r.excluded_ways,
            speed = r.speed_tagged_ways
        ),
        t!(
            l,
            "cli.import.missing",
            refs = r.missing_refs,
            pieces = r.pieces_from_gaps,
            unusable = r.unusable_ways
        ),
        t!(
            l,
            "cli.import.kept",
            components = r.components,
            nodes = r.nodes,
            links = r.edges,
            dropped_nodes = r.dropped_nodes,
            dropped_links = r.dropped_edges
        ),
        t!(
            l,
            "cli.import.bridges",
            bridges = r.bridge_edges,
            tunnels = r.tunnel_edges
        ),
        t!(
            l,
            "cli.import.zones",
            zones = r.zones,
            method = method,
            subdivided = r.places_subdivided
        ),
        t!(
            l,
            "cli.import.facilities",
            kinds = kinds,
            unplaced = r.features_unplaced
        ),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The engine's reasons for an unreadable file are the ones `reason`
    /// knows (a change there would leave them in English).
    #[test]
    fn the_engine_reasons_are_recognised() {
        let p = PathBuf::from("a.ron");
        for e in [
            InputError::NotFound(p.clone()),
            InputError::NotRegular(p.clone(), "a directory"),
            InputError::NotRegular(p.clone(), "a FIFO"),
            InputError::TooLarge {
                path: p.clone(),
                size: Some(9),
                limit: 5,
            },
            InputError::NotUtf8(p.clone(), 7),
        ] {
            let zh = reason(Lang::ZhCn, &e.reason());
            assert!(!zh.is_ascii(), "{} stays English", e.reason());
            assert_eq!(reason(Lang::En, &e.reason()), e.reason());
        }
    }

    #[test]
    fn problems_are_framed_with_file_line_and_column() {
        let at = |at, message: &str| Problem {
            file: PathBuf::from("a.ron"),
            at,
            message: message.into(),
        };
        let syntax = at(Some((3, 5)), "Expected closing `)`");
        assert_eq!(
            problem_in(Lang::ZhCn, &syntax),
            "文件 a.ron 第3行第5列：格式错误：Expected closing `)`"
        );
        assert_eq!(problem_in(Lang::En, &syntax), syntax.to_string());
        let row = at(Some((4, 0)), "bad row");
        assert_eq!(problem_in(Lang::ZhCn, &row), "文件 a.ron 第4行：bad row");
        assert_eq!(problem_in(Lang::En, &row), row.to_string());
        let missing = at(None, "no such file");
        assert_eq!(problem_in(Lang::ZhCn, &missing), "文件 a.ron：文件不存在");
        assert_eq!(problem_in(Lang::En, &missing), missing.to_string());
    }
}
