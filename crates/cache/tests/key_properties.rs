//! Properties of the pure key: every byte of every input counts, nothing else does.

use gantry_cache::{InputKind, InputName, KeyInputs};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = InputKind> {
    proptest::sample::select(InputKind::ALL.to_vec())
}

/// Up to 12 inputs with short names and arbitrary contents.
fn inputs() -> impl Strategy<Value = Vec<(InputName, Vec<u8>)>> {
    proptest::collection::vec(
        (kind(), "[a-z./:]{0,8}", proptest::collection::vec(any::<u8>(), 0..64)),
        1..12,
    )
    .prop_map(|entries| {
        let mut seen = std::collections::BTreeSet::new();
        entries
            .into_iter()
            .map(|(kind, detail, content)| (InputName::new(kind, detail), content))
            .filter(|(name, _)| seen.insert(name.clone()))
            .collect()
    })
}

fn key_inputs(entries: &[(InputName, Vec<u8>)]) -> KeyInputs {
    let mut inputs = KeyInputs::default();
    for (name, content) in entries {
        inputs.add_content(name.clone(), content, false);
    }
    inputs
}

proptest! {
    #[test]
    fn changing_any_byte_of_any_input_changes_the_key(
        entries in inputs(),
        pick in any::<prop::sample::Index>(),
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let before = key_inputs(&entries);
        let mut changed = entries.clone();
        let content = &mut changed[pick.index(entries.len())].1;
        if content.is_empty() {
            content.push(flip);
        } else {
            let at = position.index(content.len());
            content[at] ^= flip;
        }
        let after = key_inputs(&changed);
        prop_assert_ne!(before.key(), after.key());
        prop_assert_eq!(after.changes_since(&before).len(), 1);
    }

    #[test]
    fn the_order_inputs_are_added_in_does_not_matter(entries in inputs()) {
        let mut reversed = entries.clone();
        reversed.reverse();
        prop_assert_eq!(key_inputs(&entries).key(), key_inputs(&reversed).key());
        prop_assert!(key_inputs(&entries).changes_since(&key_inputs(&reversed)).is_empty());
    }

    #[test]
    fn adding_or_removing_an_input_changes_the_key(entries in inputs(), extra in "[A-Z]{1,4}") {
        let before = key_inputs(&entries);
        let mut more = entries.clone();
        more.push((InputName::new(InputKind::Context, format!("added/{extra}")), Vec::new()));
        prop_assert_ne!(before.key(), key_inputs(&more).key());
        prop_assert_ne!(before.key(), key_inputs(&entries[1..]).key());
    }

    #[test]
    fn moving_bytes_between_a_name_and_its_neighbour_changes_the_key(a in "[a-z]{1,6}", b in "[a-z]{1,6}") {
        let split = |left: &str, right: &str| key_inputs(&[
            (InputName::new(InputKind::Context, left), Vec::new()),
            (InputName::new(InputKind::Step, right), Vec::new()),
        ]);
        let joined = format!("{a}{b}");
        prop_assert_ne!(split(&a, &b).key(), split(&joined, "").key());
    }
}

#[test]
fn a_key_survives_a_round_trip_through_its_stored_form() {
    let entries = vec![(InputName::new(InputKind::Context, "app.py"), b"print(1)\n".to_vec())];
    let inputs = key_inputs(&entries);
    let stored = serde_json::to_string(&inputs).unwrap();
    let read: KeyInputs = serde_json::from_str(&stored).unwrap();
    assert_eq!(read.key(), inputs.key());
    assert!(stored.contains("\"context:app.py\""), "{stored}");
}
