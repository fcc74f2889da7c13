import { parseEnglishPeriods, questionPeriod } from "../src/facts/period.js";
console.log(JSON.stringify(parseEnglishPeriods("on May 7, 2022, and", {year: 2026})), JSON.stringify(questionPeriod("How many projects did Baotou sign on May 7, 2022?", "en")));
