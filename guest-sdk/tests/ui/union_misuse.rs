use serde::{Deserialize, Serialize};

#[wafer::literal]
#[derive(Deserialize, Serialize)]
enum CatTag {
    #[serde(rename = "cat")]
    Cat,
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Cat {
    kind: CatTag,
}

#[wafer::union]
enum NoDiscriminator {
    Cat(Cat),
}

#[wafer::union(discriminator = "kind", tag = "x")]
enum UnknownArgument {
    Cat(Cat),
}

#[wafer::union(discriminator = "kind")]
struct NotAnEnum {
    cat: Cat,
}

#[wafer::union(discriminator = "kind")]
enum UnitVariant {
    Cat(Cat),
    Nothing,
}

#[wafer::union(discriminator = "kind")]
enum TwoFields {
    Cats(Cat, Cat),
}

#[wafer::union(discriminator = "kind")]
#[derive(Deserialize)]
enum Derived {
    Cat(Cat),
}

#[wafer::union(discriminator = "kind")]
#[serde(untagged)]
enum SerdeOptions {
    Cat(Cat),
}

#[wafer::union(discriminator = "kind")]
enum Empty {}

fn main() {}
