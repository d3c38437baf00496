//! `--help` in the chosen language. The language is read from the command
//! line before clap parses it ([`lang_of_args`]); the clap [`Command`] the
//! derive builds is then given its words from the catalogue ([`localise`]):
//! each command's `about` from `help.cmd.PATH` and each argument's help from
//! `help.arg.PATH.ID`, else `help.arg.ID` (arguments every command shares:
//! `--seed`, `--threads`, `--lang`). The doc comments in `main.rs` stay the
//! code's documentation; a test checks that the English catalogue says
//! exactly what they say, so English help is what it always was.
//!
//! In Chinese the headings clap writes itself ("Usage", "Commands",
//! "Arguments", "Options"), its `--help`/`--version`/`help` texts and the
//! `[default: …]` notes are replaced too. clap cannot translate its parse
//! errors ("error: unexpected argument …"); [`print_error`] replaces the
//! phrases of the common ones in its rendered text, so an error clap words
//! differently some day stays English rather than wrong.

use clap::{Arg, Command};
use qilian_i18n::{Lang, text};

/// The language asked for: the value of the last `--lang X` / `--lang=X`
/// before a `--`, if it names a language we speak; else the environment's.
/// A bad value falls back too; clap then reports it.
pub fn lang_of_args(args: &[std::ffi::OsString]) -> Lang {
    let mut found = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            break;
        }
        let value = if a == "--lang" {
            it.next().and_then(|v| v.to_str())
        } else {
            a.strip_prefix("--lang=")
        };
        if let Some(l) = value.and_then(|v| v.parse::<Lang>().ok()) {
            found = Some(l);
        }
    }
    found.unwrap_or_else(Lang::from_env)
}

/// Print clap's error or help. clap writes its errors in English only; in
/// Chinese the phrases of the common ones ("error:", "unexpected argument",
/// "Usage:" …) are replaced, the names and values in them kept.
pub fn print_error(e: &clap::Error, lang: Lang) {
    let help = matches!(
        e.kind(),
        clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if lang == Lang::En || help {
        let _ = e.print();
        return;
    }
    eprint!("{}", zh_error(&e.render().to_string()));
}

/// clap's English error phrases in Chinese (see [`print_error`]).
fn zh_error(en: &str) -> String {
    const PHRASES: [(&str, &str); 20] = [
        ("error: ", "错误："),
        (
            "the following required arguments were not provided:",
            "缺少以下必需的参数：",
        ),
        ("' found; no more were expected", "'，不应再有值"),
        ("unexpected value '", "意外的值 '"),
        ("unexpected argument '", "意外的参数 '"),
        ("' found", "'"),
        ("unrecognized subcommand '", "无法识别的子命令 '"),
        ("invalid value '", "无效的值 '"),
        ("' for '", "'，用于 '"),
        ("a value is required for '", "参数 '"),
        ("' but none was supplied", "' 需要一个值，但没有给出"),
        ("the argument '", "参数 '"),
        ("' cannot be used multiple times", "' 不能多次使用"),
        ("' cannot be used with", "' 不能与以下参数同时使用"),
        (
            "tip: a similar subcommand exists: ",
            "提示：有相近的子命令：",
        ),
        ("tip: a similar argument exists: ", "提示：有相近的参数："),
        ("tip: ", "提示："),
        ("[possible values: ", "[可选值："),
        ("Usage:", "用法:"),
        (
            "For more information, try '--help'.",
            "更多信息请用 '--help'。",
        ),
    ];
    let mut out = en.to_string();
    for (e, z) in PHRASES {
        out = out.replace(e, z);
    }
    out
}

/// The catalogue key of a command: `help.cmd` for `qilian`, `help.cmd.run`,
/// `help.cmd.drill.new`.
fn cmd_key(path: &str) -> String {
    if path.is_empty() {
        "help.cmd".to_string()
    } else {
        format!("help.cmd.{path}")
    }
}

/// The catalogue key of argument `id` of the command at `path`: its own,
/// or the one every command shares.
fn arg_key(lang: Lang, path: &str, id: &str) -> Option<String> {
    let own = if path.is_empty() {
        format!("help.arg.{id}")
    } else {
        format!("help.arg.{path}.{id}")
    };
    let shared = format!("help.arg.{id}");
    [own, shared]
        .into_iter()
        .find(|k| qilian_i18n::has(lang, k))
}

/// `cmd` (the derive's command tree) with every help text in `lang`.
pub fn localise(cmd: Command, lang: Lang) -> Command {
    let mut cmd = words(cmd, lang, "");
    cmd.build();
    builtins(&mut cmd, lang);
    cmd
}

/// Abouts and argument helps from the catalogue, recursively; in Chinese
/// also the headings and template. Before the build, so the copies clap
/// makes (global args, `help`'s subtree) carry them.
fn words(cmd: Command, lang: Lang, path: &str) -> Command {
    let mut cmd = cmd;
    if qilian_i18n::has(lang, &cmd_key(path)) {
        cmd = cmd.about(text(lang, &cmd_key(path)).to_string());
    }
    let p = path.to_string();
    cmd = cmd.mut_args(|a| {
        let id = a.get_id().as_str().to_string();
        let a = match arg_key(lang, &p, &id) {
            Some(k) => a.help(text(lang, &k).to_string()),
            None => a,
        };
        if lang == Lang::ZhCn { zh_default(a) } else { a }
    });
    cmd = cmd.mut_subcommands(|s| {
        let sub = if p.is_empty() {
            s.get_name().to_string()
        } else {
            format!("{p}.{}", s.get_name())
        };
        words(s, lang, &sub)
    });
    if lang == Lang::ZhCn {
        cmd = cmd
            .subcommand_help_heading(text(lang, "help.heading.commands"))
            .help_template(format!(
                "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
                text(lang, "help.heading.usage")
            ));
    }
    cmd
}

/// A default value written in Chinese, `[默认: 100]`, instead of clap's.
fn zh_default(a: Arg) -> Arg {
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if defaults.is_empty() || a.is_hide_default_value_set() || !a.get_action().takes_values() {
        return a;
    }
    let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    let note = qilian_i18n::t!(Lang::ZhCn, "help.default", value = defaults.join(", "));
    a.help(format!("{help} {note}")).hide_default_value(true)
}

/// After the build: clap's `--help`, `--version` and `help` in `lang`, and
/// in Chinese every argument under a Chinese heading.
fn builtins(cmd: &mut Command, lang: Lang) {
    let zh = lang == Lang::ZhCn;
    let c = std::mem::take(cmd).mut_args(|a| {
        let a = match a.get_id().as_str() {
            "help" if a.get_long_help().is_some() => a
                .help(text(lang, "help.builtin.help_more"))
                .long_help(text(lang, "help.builtin.help_summary")),
            "help" => a.help(text(lang, "help.builtin.help")),
            "version" => a.help(text(lang, "help.builtin.version")),
            "subcommand" if builtin_help_cmd(&a) => a.help(text(lang, "help.builtin.help_for")),
            _ => a,
        };
        if zh && a.get_help_heading().is_none() {
            let h = if a.is_positional() {
                "help.heading.arguments"
            } else {
                "help.heading.options"
            };
            a.help_heading(text(lang, h))
        } else {
            a
        }
    });
    *cmd = c;
    for s in cmd.get_subcommands_mut() {
        if s.get_name() == "help" && builtin_is_help(s) {
            *s = std::mem::take(s).about(text(lang, "help.builtin.help_cmd"));
        }
        builtins(s, lang);
    }
}

/// The `help` subcommand clap adds (we define none of that name).
fn builtin_is_help(cmd: &Command) -> bool {
    cmd.get_about()
        .is_some_and(|a| a.to_string().starts_with("Print this message"))
}

/// The argument of clap's `help` subcommand.
fn builtin_help_cmd(a: &Arg) -> bool {
    a.get_help()
        .is_some_and(|h| h.to_string() == "Print help for the subcommand(s)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command and argument of the derive, with its path and the
    /// argument's id (None for the command itself) and its help as the doc
    /// comments give it.
    fn texts(cmd: &Command, path: &str, out: &mut Vec<(String, Option<String>, String)>) {
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        out.push((path.to_string(), None, about));
        for a in cmd.get_arguments() {
            // clap's own `--help` and `--version` (there before the build
            // only if the derive declared them) get words in `builtins`.
            if matches!(a.get_id().as_str(), "help" | "version") {
                continue;
            }
            let h = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            out.push((path.to_string(), Some(a.get_id().to_string()), h));
        }
        for s in cmd.get_subcommands() {
            let p = if path.is_empty() {
                s.get_name().to_string()
            } else {
                format!("{path}.{}", s.get_name())
            };
            texts(s, &p, out);
        }
    }

    /// Each command and argument has its words in both languages; the
    /// English ones are the doc comments' (so English help is unchanged);
    /// every `help.` key of the catalogue is used.
    #[test]
    fn every_help_text_is_in_both_languages_and_english_is_the_docs() {
        let mut all = Vec::new();
        texts(&crate::Cli::command(), "", &mut all);
        let mut used = std::collections::BTreeSet::new();
        let mut problems = Vec::new();
        for (path, arg, docs) in &all {
            for lang in Lang::ALL {
                let key = match arg {
                    None => Some(cmd_key(path)).filter(|k| qilian_i18n::has(lang, k)),
                    Some(id) => arg_key(lang, path, id),
                };
                let Some(key) = key else {
                    problems.push(format!("{lang}: no help for {path} {arg:?}"));
                    continue;
                };
                if lang == Lang::En && text(lang, &key) != docs {
                    problems.push(format!(
                        "{key}: en.msg says {:?}, the doc comment {docs:?}",
                        text(lang, &key)
                    ));
                }
                used.insert(key);
            }
        }
        for k in qilian_i18n::keys(Lang::En) {
            let fixed = k.starts_with("help.builtin.")
                || k.starts_with("help.heading.")
                || k == "help.default";
            if k.starts_with("help.") && !fixed && !used.contains(k) {
                problems.push(format!("{k}: no command or argument uses it"));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    fn render(lang: Lang, args: &[&str]) -> String {
        let cmd = localise(crate::Cli::command(), lang);
        match cmd.try_get_matches_from(args) {
            Err(e) => e.render().to_string(),
            Ok(_) => panic!("{args:?} did not ask for help"),
        }
    }

    /// English help, localised, is the plain derive's, byte for byte.
    #[test]
    fn english_help_is_unchanged() {
        for args in [
            &["qilian", "--help"][..],
            &["qilian", "run", "--help"],
            &["qilian", "stress", "-h"],
            &["qilian", "drill", "serve", "--help"],
            &["qilian", "help", "optimise"],
            &["qilian", "help"],
        ] {
            let plain = match crate::Cli::command().try_get_matches_from(args) {
                Err(e) => e.render().to_string(),
                Ok(_) => panic!("{args:?}"),
            };
            assert_eq!(render(Lang::En, args), plain, "{args:?}");
        }
    }

    #[test]
    fn chinese_help_has_no_english_left() {
        let top = render(Lang::ZhCn, &["qilian", "--help"]);
        for w in ["用法:", "命令:", "选项:", "打印帮助", "灾害演练"] {
            assert!(top.contains(w), "{w} not in\n{top}");
        }
        for args in [
            &["qilian", "--help"][..],
            &["qilian", "stress", "--help"],
            &["qilian", "optimise", "--help"],
            &["qilian", "drill", "serve", "--help"],
            &["qilian", "import", "osm", "--help"],
            &["qilian", "help", "run"],
            &["qilian", "help"],
        ] {
            let h = render(Lang::ZhCn, args);
            for english in [
                "Usage",
                "Options",
                "Arguments",
                "Commands",
                "Print",
                "default:",
                "Output",
            ] {
                assert!(!h.contains(english), "{english:?} in {args:?}:\n{h}");
            }
        }
        assert!(render(Lang::ZhCn, &["qilian", "stress", "--help"]).contains("[默认: 100]"));
    }

    #[test]
    fn clap_errors_are_put_in_chinese() {
        let cmd = || localise(crate::Cli::command(), Lang::ZhCn);
        for args in [
            &["qilian", "run"][..],
            &["qilian", "fly"],
            &["qilian", "run", "x.ron", "--threads", "many"],
            &["qilian", "demo", "--wat"],
            &["qilian", "stress", "x.ron", "--runs"],
        ] {
            let e = cmd().try_get_matches_from(args).unwrap_err();
            let zh = zh_error(&e.render().to_string());
            assert!(zh.starts_with("错误："), "{args:?}: {zh}");
            for english in [
                "error:",
                "Usage",
                "For more",
                "required",
                "invalid value",
                "unexpected",
                "unrecognized",
            ] {
                assert!(!zh.contains(english), "{english:?} in {args:?}: {zh}");
            }
        }
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let a = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_of_args(&a(&["qilian", "--lang", "zh-CN", "run"])),
            Lang::ZhCn
        );
        assert_eq!(
            lang_of_args(&a(&["qilian", "run", "--lang=zh"])),
            Lang::ZhCn
        );
        assert_eq!(
            lang_of_args(&a(&["qilian", "--lang=zh", "--lang", "en"])),
            Lang::En
        );
        // After `--` it is a file name, not an option.
        assert_eq!(
            lang_of_args(&a(&["qilian", "--lang=en", "validate", "--", "--lang=zh"])),
            Lang::En
        );
    }
}
