INSERT INTO erasures (person_digest) VALUES ($1) ON CONFLICT (person_digest) DO NOTHING;
